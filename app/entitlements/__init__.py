"""Entitlements: what a household gets per visit, from rules on its composition."""
