"""The languages the interface is written in, by code. A leaf (it imports nothing of ours), so
the account page and the reports name them without importing app.i18n (decision 0018)."""

LANGUAGES = {"en": "English", "ro": "Română", "uk": "Українська"}
