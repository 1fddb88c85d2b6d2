from flask import Blueprint, current_app

from app.extensions import csrf, limiter

# JSON API (DESIGN.md sections 6 and 7): the public calculators, the OpenAPI document, and the
# athlete's data behind personal access tokens (web/api/auth.py). Token requests carry no
# cookies, and a session cookie never signs an API request in, so CSRF doesn't apply here.
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _rate_key() -> str:
    from app.web.api.auth import rate_key

    return rate_key()


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_key)(bp)

from app.web.api import (  # noqa: E402,F401
    account,
    calculators,
    spec,
    training,
)
