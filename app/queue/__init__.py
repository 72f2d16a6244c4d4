"""The door, the hall screen and the queue API (decisions 0031, 0032)."""
