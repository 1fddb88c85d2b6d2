"""Lift videos: uploads (tus, resumable), posts with their media, and likes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import Kilograms, UtcDateTime, utcnow

MOVEMENTS = ("squat", "bench", "deadlift", "other")
VISIBILITIES = ("public", "followers", "coach", "private")


class Upload(db.Model):
    """A resumable upload (tus 1.0.0): ``offset`` bytes of ``length`` have arrived."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    filename: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Post(db.Model):
    """A lift video post. ``status``: processing -> ready, or failed with ``error``."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        CheckConstraint("status IN ('processing', 'ready', 'failed')", name="status"),
        CheckConstraint("rpe IS NULL OR (rpe >= 6 AND rpe <= 10)", name="rpe_range"),
        Index("ix_posts_feed", "created_at", "id"),
        Index("ix_posts_user_feed", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    upload_id: Mapped[str | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    movement: Mapped[str] = mapped_column(String(8))
    load_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    rpe: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    caption: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    status: Mapped[str] = mapped_column(String(10), default="processing")
    error: Mapped[str | None] = mapped_column(Text)
    # Deprecated: the previous release's media relay marked posts handed to the queue here;
    # media now goes through the outbox ('media.uploaded'). Dropped in the next release.
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    media: Mapped[dict | None] = mapped_column(
        JSON
    )  # storage keys: video, poster_webp, poster_jpeg
    like_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author = relationship("User")

    @property
    def author_name(self) -> str:
        """The author's display name (feed rows carry it as a column of the same name)."""
        return self.author.display_name

    @property
    def is_ready(self) -> bool:
        return self.status == "ready"


class Like(db.Model):
    __tablename__ = "likes"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Comment(db.Model):
    """A comment or a reply (``parent_id``), optionally pinned to a moment of the video."""

    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    depth: Mapped[int] = mapped_column(SmallInteger, default=0)
    body: Mapped[str] = mapped_column(Text)
    video_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    author = relationship("User")


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "followee_id"),
        CheckConstraint("follower_id <> followee_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    followee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
