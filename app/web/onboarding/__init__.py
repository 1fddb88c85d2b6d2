from flask import Blueprint

# The athlete profile: filled in as onboarding steps after sign-up, edited later under Profile.
bp = Blueprint("onboarding", __name__, url_prefix="/profile")

from app.web.onboarding import routes, tokens  # noqa: E402,F401
