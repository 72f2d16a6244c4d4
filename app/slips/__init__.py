"""The slip a family takes home after a handover, and its reference."""
