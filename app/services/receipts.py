"""Idempotent writes: a client id plus a fingerprint of what was sent.

The same id with the same content is a replay (double tap, retry, offline replay) and
changes nothing. The same id with different content is a new intent from a stale form
(e.g. one the browser restored on Back): it is applied, never silently dropped.
"""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import select

from app.extensions import db
from app.models import WriteReceipt


def new_client_id() -> str:
    """A fresh client id (UUID4 string) for a form about to be rendered."""
    return str(uuid.uuid4())


def fingerprint(*parts) -> str:
    """A stable digest of a write's content (repr of its parts), 64 hex characters."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _receipt(user_id: int, client_id: str) -> WriteReceipt | None:
    return db.session.scalar(select(WriteReceipt).filter_by(user_id=user_id, client_id=client_id))


def is_replay(user_id: int, client_id: str, digest: str) -> bool:
    """True when this user already made exactly this write with ``client_id``."""
    receipt = _receipt(user_id, client_id)
    return receipt is not None and receipt.fingerprint == digest


def stamp(user_id: int, client_id: str, action: str, digest: str) -> None:
    """Record the write in the current unit of work (flushes, no commit).

    A concurrent duplicate raises IntegrityError at flush or commit: the caller rolls
    back and treats the write as a replay.
    """
    receipt = _receipt(user_id, client_id)
    if receipt is None:
        receipt = WriteReceipt(user_id=user_id, client_id=client_id)
        db.session.add(receipt)
    receipt.action, receipt.fingerprint = action, digest
    db.session.flush()


def existing(model, user_id: int, client_id: str):
    """The ``model`` row this user already wrote with ``client_id`` (rows carrying their own
    unique (user_id, client_id): workouts, sets, posts, comments), else None."""
    return db.session.scalar(select(model).filter_by(user_id=user_id, client_id=client_id))


def after_conflict(model, user, client_id: str):
    """Roll back a write that lost a race to the same client id and return the winner's row.
    ``user``: the writer (a User, or its id). Pass the object rather than ``user.id`` read
    before the call: reading an expired attribute before the rollback raises."""
    db.session.rollback()
    user_id = user if isinstance(user, int) else user.id
    return existing(model, user_id, client_id)
