import json

from flask import Blueprint, abort, current_app, request

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

BODY_METHODS = ("POST", "PUT", "PATCH")


@bp.before_request
def refuse_bodies_that_are_not_json_objects():
    """A write's body, when it has one, must be a JSON object: 415 for another content type,
    400 for JSON that doesn't parse (spectree reads an unparsable body as
    {} and would fill in the defaults: a cut-off body must not write anything); 422 naming
    "body" for JSON that isn't an object (null, a list). No body at
    all is an empty request, as the schemas' defaults describe."""
    if request.method not in BODY_METHODS or not request.get_data(cache=True):
        return None
    if not request.is_json:
        abort(415, "Send a JSON body (Content-Type: application/json).")
    try:
        data = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        abort(400, "The body isn't valid JSON.")
    if not isinstance(data, dict):
        from app.web.api.auth import unprocessable

        unprocessable("body", "The body must be a JSON object.")
    return None


from app.web.api import (  # noqa: E402,F401
    account,
    calculators,
    spec,
    training,
)
