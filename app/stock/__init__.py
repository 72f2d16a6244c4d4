"""Stock: the append-only ledger of movements, lots, counts and transfers."""
