"""Idempotent writes: the first write with a client id wins, repeats are recognised."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.extensions import db
from app.models import WriteReceipt


def new_client_id() -> str:
    """A fresh client id (UUID4 string) for a form about to be rendered."""
    return str(uuid.uuid4())


def seen(user_id: int, client_id: str) -> bool:
    """True when this user already made a write with ``client_id``."""
    query = select(WriteReceipt.id).filter_by(user_id=user_id, client_id=client_id)
    return db.session.scalar(query) is not None


def stamp(user_id: int, client_id: str, action: str) -> None:
    """Add the receipt for this write to the current unit of work (flushes, no commit).

    A concurrent duplicate raises IntegrityError at flush or commit: the caller rolls
    back and treats the write as a replay.
    """
    db.session.add(WriteReceipt(user_id=user_id, client_id=client_id, action=action))
    db.session.flush()
