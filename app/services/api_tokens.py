"""Personal access tokens for the JSON API: made on the profile page, shown once, revocable.

A token is ``md_`` plus 43 URL-safe characters from ``secrets`` (256 random bits). Only its
SHA-256 digest is stored, and a request's token is found by looking that digest up. Argon2
(services.hashing) is for secrets people choose: it salts each hash, so a token could not
be found by lookup, and its slowness only defends guessable secrets. A 256-bit random token
cannot be guessed, so one fast unsalted digest is as safe and costs a single indexed query
(GitHub and PyPI store their tokens the same way).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ApiToken, User
from app.models.api_token import SCOPES
from app.models.types import utcnow
from app.services import receipts

PREFIX = "md_"
SHOWN_CHARS = 10  # "md_" and 7 more: enough to tell a user's tokens apart, useless to guess
MAX_TOKEN_CHARS = 100  # anything longer is not one of ours; not even hashed
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is kept to the minute, not every request


class TokenError(ValueError):
    """A token request the user can fix; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str | None  # the token itself, shown once; None for a replayed create


def digest(secret: str) -> str:
    """The SHA-256 hex digest a token is stored and looked up by."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user: User, name: str, scopes: str, client_id: str) -> NewToken:
    """Make a token for ``user`` named ``name`` with ``scopes`` ('read' or 'read write') and
    return it with its secret, which is never stored. The same client id (a double tap)
    returns the token already made, without its secret. Raises TokenError."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise TokenError("name", "Name the token (up to 80 characters), e.g. 'Spreadsheet'.")
    if scopes not in SCOPES:
        raise TokenError("scopes", "Choose read, or read and write.")
    existing = receipts.existing(ApiToken, user.id, client_id)
    if existing is not None:
        return NewToken(existing, None)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        client_id=client_id,
        name=name,
        prefix=secret[:SHOWN_CHARS],
        digest=digest(secret),
        scopes=scopes,
    )
    db.session.add(token)
    try:
        db.session.commit()
    except IntegrityError:  # the same form, posted twice at once
        return NewToken(receipts.after_conflict(ApiToken, user, client_id), None)
    return NewToken(token, secret)


def authenticate(secret: str | None) -> ApiToken | None:
    """The live token ``secret`` is, else None (unknown, revoked, or not a token at all).
    Notes when it was last used (to the minute; commits when it does)."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > MAX_TOKEN_CHARS:
        return None
    token = db.session.scalar(select(ApiToken).filter_by(digest=digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, live ones first, newest first."""
    query = (
        select(ApiToken)
        .filter_by(user_id=user.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(db.session.scalars(query))


def revoke_token(user: User, token_id: int) -> ApiToken | None:
    """Revoke one of ``user``'s tokens (at once: the next request with it gets 401). Revoking
    twice changes nothing. None when the user has no such token."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token
