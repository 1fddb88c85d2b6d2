"""Accounts: users with roles and unit preferences, and their OpenID Connect identities."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.extensions import db
from app.models.types import UtcDateTime, utcnow

ROLES = ("athlete", "coach", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('athlete', 'coach', 'admin')", name="role"),
        CheckConstraint("mass_unit IN ('kg', 'lb')", name="mass_unit"),
        CheckConstraint("height_unit IN ('cm', 'ftin')", name="height_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # None for accounts that only sign in through OpenID Connect.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="athlete")
    mass_unit: Mapped[str] = mapped_column(String(2), default="kg")
    height_unit: Mapped[str] = mapped_column(String(4), default="cm")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The AI coach ("Coach") is a system user: it cannot sign in and never onboards.
    is_system: Mapped[bool] = mapped_column(default=False, server_default=false())

    profile = relationship("AthleteProfile", back_populates="user", uselist=False)
    identities = relationship("OidcIdentity", back_populates="user")
    # Counted in the same query when the signed-in user is loaded (web.auth.load_user);
    # None when the user came from anywhere else.
    unread_notifications: Mapped[int | None] = query_expression()
    # Whether the athlete profile is complete, also counted there: most pages need only this
    # from the profile, which then loads on first use.
    onboarded: Mapped[bool | None] = query_expression()
    # Messages from others not yet read, for the Messages tab (same query).
    unread_messages: Mapped[int | None] = query_expression()

    @property
    def is_coach(self) -> bool:
        return self.role in ("coach", "admin")

    @property
    def needs_onboarding(self) -> bool:
        if self.role != "athlete":
            return False
        if self.onboarded is not None:
            return not self.onboarded
        return self.profile is None or not self.profile.is_complete


class OidcIdentity(db.Model):
    """One (issuer, subject) pair from an OpenID provider, linked to one user."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user = relationship("User", back_populates="identities")


class CoachLink(db.Model):
    """An athlete coached by a coach (one coach per athlete). Invites come with the coach pages."""

    __tablename__ = "coach_links"
    __table_args__ = (UniqueConstraint("athlete_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CoachInvite(db.Model):
    """A coach's invitation: a short ``code`` (also the link) an athlete accepts to be coached.
    Used once; expires; the coach can revoke it."""

    __tablename__ = "coach_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    coach = relationship("User", foreign_keys=[coach_id])


class LoginEvent(db.Model):
    """Audit of sign-ins: who (or which email) tried, how, from where, and whether it worked."""

    __tablename__ = "login_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    method: Mapped[str] = mapped_column(String(16))  # 'password' | 'oidc'
    success: Mapped[bool] = mapped_column(default=False)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
