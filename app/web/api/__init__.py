from flask import Blueprint

# JSON API. The public calculators need no sign-in; see DESIGN.md section 7.
bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.web.api import calculators  # noqa: E402,F401
