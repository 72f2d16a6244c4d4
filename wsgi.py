"""The WSGI entry point: `waitress-serve wsgi:app`, `flask --app wsgi`, the systemd unit.

AidDesk runs from its checkout: templates/, static/, translations/ and migrations/ sit beside
app/. waitress-serve appends the working folder to sys.path, so after a plain `pip install .`
it would import the installed copy of the package, which has none of them; this folder goes
first, so the checkout is the app however it was installed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app import create_app

app = create_app()
