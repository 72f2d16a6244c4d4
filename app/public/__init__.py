"""The family's own check of its next date: a public page, no login."""
