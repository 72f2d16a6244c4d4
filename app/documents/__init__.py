"""Identity documents: reading a machine-readable zone (mrz.py). Pure rules, no database."""
