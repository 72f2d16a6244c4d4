"""Households: members and their documents, the rules, names, duplicates, changes and the
import's checks (registry/ above cards and the desk registers, finds and shows them)."""
