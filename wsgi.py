"""WSGI entry point: `gunicorn wsgi:app` and `flask --app wsgi ...`.

A configuration that can't work (e.g. no SECRET_KEY in production) stops here with one line
saying what to set, for the web process and every flask command (doctor included), instead
of a traceback."""

import sys

from app import create_app
from app.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"Meetday can't start: {error}")
