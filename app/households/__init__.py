"""Households: registration, members and their documents, changes, imports and search."""
