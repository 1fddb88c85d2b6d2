"""Personal access tokens for the JSON API: only a SHA-256 digest of each token is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime, utcnow

SCOPES = ("read", "read write")


class ApiToken(db.Model):
    """A token a user made on their profile page. ``prefix``: the first characters of the
    token (shown in the list so the user can tell tokens apart); ``digest``: the SHA-256 hex
    of the whole token (services.api_tokens); ``scopes``: 'read' or 'read write'."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        CheckConstraint("scopes IN ('read', 'read write')", name="scopes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(16), default="read")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def can_write(self) -> bool:
        return "write" in self.scopes.split()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
