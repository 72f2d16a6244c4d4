"""Identity documents: reading a machine-readable zone (mrz.py, mrz_fields.py) and checking
document numbers typed by hand (formats.py, cnp.py). Pure rules, no database; api.py answers
POST /api/v1/mrz."""
