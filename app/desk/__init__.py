"""The desk: a scanned card, the eligibility decision and the handover."""
