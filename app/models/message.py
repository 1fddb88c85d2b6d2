"""Direct messages: one conversation per pair of users, messages, pinned attempts, blocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UtcDateTime, utcnow

MESSAGE_KINDS = ("text", "attempts")


class Conversation(db.Model):
    """The one conversation between two users, stored as the ordered pair (low id, high id)
    so the database enforces one per pair whatever the order they first wrote in. Each side's
    last read message id gives unread counts and read receipts."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("user_low_id", "user_high_id"),
        CheckConstraint("user_low_id < user_high_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_low_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_high_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    low_read_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    high_read_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user_low = relationship("User", foreign_keys=[user_low_id])
    user_high = relationship("User", foreign_keys=[user_high_id])

    def other_id(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id

    def other(self, user_id: int):
        return self.user_high if user_id == self.user_low_id else self.user_low

    def includes(self, user_id: int | None) -> bool:
        return user_id in (self.user_low_id, self.user_high_id)

    def read_id(self, user_id: int) -> int:
        return self.low_read_id if user_id == self.user_low_id else self.high_read_id


class Message(db.Model):
    """One message, ordered by server time with the id as tie-breaker. ``client_id`` (unique
    per sender) makes a retried send a no-op. ``post_id``: a photo or video attachment, a
    post with visibility 'message' made by the media pipeline. Kind 'attempts' announces a
    pin (``pin_id``)."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("sender_id", "client_id"),
        CheckConstraint("kind IN ('text', 'attempts')", name="kind"),
        Index("ix_messages_conversation_order", "conversation_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12), default="text")
    body: Mapped[str | None] = mapped_column(Text)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    pin_id: Mapped[int | None] = mapped_column(ForeignKey("attempt_pins.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    sender = relationship("User")
    attachment = relationship("Post")
    pin = relationship("AttemptPin")


class AttemptPin(db.Model):
    """Planned meet attempts pinned to a conversation: ``attempts`` maps 'squat', 'bench',
    'deadlift' to [opener, second, third] in kg (decimal strings). Updating adds a row (the
    history is kept); the current pin is the conversation's latest row unless unpinned."""

    __tablename__ = "attempt_pins"
    __table_args__ = (UniqueConstraint("set_by_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    unpinned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    athlete = relationship("User", foreign_keys=[athlete_id])
    set_by = relationship("User", foreign_keys=[set_by_id])


class Block(db.Model):
    """``blocker`` blocked ``blocked``: neither can message the other."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
