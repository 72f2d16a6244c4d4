"""Identity documents: reading a machine-readable zone (mrz.py) and checking document numbers
typed by hand (formats.py, cnp.py). Pure rules, no database."""
