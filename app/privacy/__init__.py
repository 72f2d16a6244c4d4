"""The person's rights: what is held about a household, its erasure, the retention rule, and
the record of processing."""
