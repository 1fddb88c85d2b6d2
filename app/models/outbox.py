"""The transactional outbox: events written in the same transaction as the data they are
about, handed to RQ by a relay (services/events.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime, utcnow


class OutboxEvent(db.Model):
    """An event such as 'workout.completed' with its JSON ``payload`` (checked against its
    schema when recorded); ``enqueued_at`` is set when a relay hands it to a queue,
    ``done_at`` when its job finished, ``failed_at`` when its last try failed (``error`` says
    why; an admin's Retry clears it)."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index("ix_outbox_events_pending", "id", postgresql_where=text("enqueued_at IS NULL")),
        Index(
            "ix_outbox_events_failed",
            "failed_at",
            postgresql_where=text("failed_at IS NOT NULL AND done_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    enqueued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(String(500))
