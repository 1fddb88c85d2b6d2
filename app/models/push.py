"""Web Push subscriptions: one row per browser (device) that asked for push notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UtcDateTime, utcnow


class PushSubscription(db.Model):
    """A browser's PushSubscription (RFC 8030 endpoint, RFC 8291 keys) owned by one user.

    ``endpoint`` is unique: a device signed in to another account moves to that account.
    ``p256dh`` (the browser's P-256 public key, 65 bytes) and ``auth`` (16 bytes) are kept
    base64url-encoded as the browser gave them.
    """

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def as_webpush_info(self) -> dict:
        """The subscription in the shape pywebpush (and PushSubscription.toJSON()) uses."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
