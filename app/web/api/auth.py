"""Token authentication for the JSON API and the decorator every endpoint wears.

Only a personal access token (``Authorization: Bearer md_...``) signs a request in: a
browser's session cookie never does, so a page on another site can't make the API write
with the athlete's cookies, and the blueprint can be exempt from CSRF. Rate limits count per
token (per client address for requests without a valid one).
"""

from __future__ import annotations

import functools

from flask import abort, make_response, request
from flask_limiter.util import get_remote_address
from spectree import Response
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from app.extensions import db
from app.models import ApiToken, User
from app.services import api_tokens, receipts
from app.web import access
from app.web.api.schemas import ApiError, FieldError
from app.web.api.spec import spec

READ, WRITE = "read", "write"


def bearer() -> str | None:
    """The token in the Authorization header, if it carries one."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def current_token() -> ApiToken | None:
    """The live token this request carries (looked up once per request), else None."""
    # kept on the request, not g: an app context (and its g) can outlive one request
    if not hasattr(request, "api_token"):
        request.api_token = api_tokens.authenticate(bearer())
    return request.api_token


def rate_key() -> str:
    """Flask-Limiter key: the token's id, else the client address (so made-up tokens share
    their sender's allowance)."""
    token = current_token()
    return f"api-token:{token.id}" if token else f"api-ip:{get_remote_address()}"


def _unauthorized(message: str) -> Unauthorized:
    challenge = WWWAuthenticate("bearer", {"realm": "meetday", "error": "invalid_token"})
    return Unauthorized(message, www_authenticate=challenge)  # RFC 6750 section 3


def token_required(scope: str):
    """A view for token holders: 401 without a live token, 403 for a read token on a
    ``WRITE`` view. The token's user is ``api_user()`` inside."""

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            token = current_token()
            if token is None:
                raise _unauthorized(
                    "Send a live API token: Authorization: Bearer md_... "
                    "(make one on your profile page)."
                )
            if scope == WRITE and not token.can_write:
                raise Forbidden(
                    "This token may only read; make a read and write token to change data."
                )
            request.api_user = db.session.get(User, token.user_id)
            return view(*args, **kwargs)

        return guarded

    return decorate


def api_user() -> User:
    """The user whose token signed this request in (inside a token_required view)."""
    return request.api_user


def owned(model, object_id: int):
    """The ``model`` row with ``object_id`` if it is the token user's, else 404."""
    return access.owned_or_404(model, object_id, user=api_user())


def body(context_json):
    """The validated JSON body; 415 when the request sent a form instead of JSON."""
    if context_json is None:
        abort(415, "Send a JSON body (Content-Type: application/json).")
    return context_json


def idempotency_key(headers) -> str:
    """The request's Idempotency-Key (an IdempotencyHeaders); without one the write gets a
    fresh id, so nothing can replay it."""
    return headers.idempotency_key or receipts.new_client_id()


def unprocessable(field: str, message: str):
    """Stop with a 422 that names ``field`` (for a rule a service enforces, not the schema)."""
    error = ApiError(error=message, field=field, errors=[FieldError(field=field, message=message)])
    abort(make_response(error.model_dump(exclude_none=True), 422))


ERRORS = {
    400: "Malformed request (a NUL character anywhere, JSON nested absurdly deep)",
    401: "No live API token",
    403: "A read token on a write endpoint",
    404: "No such object among yours",
    409: "Conflicts with the object's state",
    415: "The body is not JSON",
    429: "Too many requests for this token; see Retry-After",
}


def endpoint(ok, *, status: int = 200, scope: str | None = READ, errors=(), tags=(), **models):
    """Document and guard one API view: ``ok`` is the model of its ``status`` answer (or a
    (None, description) pair), ``errors`` the extra error statuses it may give, ``models``
    spectree's ``query``/``json``/``headers`` request models (a 422 names the field)."""
    codes = {400, 429, *errors}
    if scope is not None:
        codes |= {401, 403} if scope == WRITE else {401}
    if models.get("json") is not None:
        codes.add(415)
    responses = {f"HTTP_{code}": (ApiError, ERRORS[code]) for code in sorted(codes)}
    responses[f"HTTP_{status}"] = ok

    def decorate(view):
        validated = spec.validate(
            resp=Response(**responses),
            tags=tags,
            security={"token": []} if scope is not None else {},
            operation_id=view.__name__,
            **models,
        )(view)
        return token_required(scope)(validated) if scope is not None else validated

    return decorate
