"""Queue tickets: issued at the door, called by a desk, closed by the desk's handover.

Below app.desk (the desk closes a ticket when it records a handover) and above app.cards (a
distribution ticket is a card's for the day). See docs/decisions/0032-queue-tickets.md.
"""
