"""The sign-in audit: one LoginEvent row per password or OpenID Connect sign-in attempt,
and the admin's reading of them."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import LoginEvent, User
from app.services import accounts

log = logging.getLogger(__name__)

METHODS = ("password", "oidc")
RECENT_LIMIT = 200


def record_login(
    user: User | None,
    email: str | None,
    method: str,
    success: bool,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> LoginEvent | None:
    """Store one sign-in attempt and return it, or None when the row could not be written.

    ``email`` is what was typed (or the provider's claim), stored normalised and cut to 254
    characters. Without ``user`` the account with that email, if any, is linked, so failed
    guesses at an account show up under it. Never raises for a database fault: that is
    logged, and the sign-in goes on.
    """
    if method not in METHODS:
        raise ValueError(f"unknown sign-in method {method!r}; expected one of {METHODS}")
    email = accounts.normalise_email(email or "")[:254] or None
    try:
        # A session of its own: the row is committed whether or not the sign-in worked,
        # without committing (or being rolled back with) whatever the request's session holds.
        with Session(db.engine, expire_on_commit=False) as session, session.begin():
            event = LoginEvent(
                user_id=user.id if user is not None else _user_id_for(session, email),
                email=email,
                method=method,
                success=success,
                ip=ip[:45] if ip else None,
                user_agent=user_agent[:255] if user_agent else None,
            )
            session.add(event)
        return event
    except SQLAlchemyError:
        log.exception("could not record a %s sign-in (success=%s)", method, success)
        return None


def _user_id_for(session: Session, email: str | None) -> int | None:
    if not email:
        return None
    return session.scalar(select(User.id).where(func.lower(User.email) == email))


def recent_logins(
    *, failures_only: bool = False, user_id: int | None = None, limit: int = RECENT_LIMIT
) -> list[tuple[LoginEvent, User | None]]:
    """The latest sign-in events, newest first, each with its user (None when unknown)."""
    query = (
        select(LoginEvent, User)
        .outerjoin(User, User.id == LoginEvent.user_id)
        .order_by(LoginEvent.created_at.desc(), LoginEvent.id.desc())
        .limit(limit)
    )
    if failures_only:
        query = query.where(LoginEvent.success.is_(False))
    if user_id is not None:
        query = query.where(LoginEvent.user_id == user_id)
    return list(db.session.execute(query).all())
