"""Gym tools: saved gyms (plate inventories) and machine notes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UtcDateTime, utcnow

MACHINE_TYPES = ("barbell", "hack_squat", "leg_press", "hex_bar", "cable", "other")


class Gym(db.Model):
    """A gym's plates as pairs per denomination (``plates``: {"25": 4, ...}) in ``unit``,
    with its bar and one collar's weight in the same unit. A user may keep several."""

    __tablename__ = "gyms"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        CheckConstraint("unit IN ('kg', 'lb')", name="unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(2), default="kg")
    bar: Mapped[Decimal] = mapped_column(Numeric(7, 3))
    collar: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=0)
    plates: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class MachineNote(db.Model):
    """How a machine is set up for the user: brand, model, type, gym, named settings
    (``settings``: [{"name": "Seat", "value": "4"}, ...]) and free notes. Public notes can
    be searched and copied by others."""

    __tablename__ = "machine_notes"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        CheckConstraint(
            "machine_type IN ('barbell', 'hack_squat', 'leg_press', 'hex_bar', 'cable', 'other')",
            name="machine_type",
        ),
        Index("ix_machine_notes_public", "is_public", "machine_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    brand: Mapped[str] = mapped_column(String(80))
    model: Mapped[str] = mapped_column(String(80))
    machine_type: Mapped[str] = mapped_column(String(16), default="other")
    gym_name: Mapped[str | None] = mapped_column(String(120))
    settings: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("machine_notes.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    owner = relationship("User")
