"""Training: meets, generated plans (sessions and prescribed exercises), workouts, sets,
and the e1RM estimates that logged sets move. Loads in kg (Numeric), times in UTC."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
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

Rpe = Numeric(3, 1)


class Meet(db.Model):
    __tablename__ = "meets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    meet_date: Mapped[date] = mapped_column(Date)
    federation: Mapped[str] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(160))
    # The client id the meet was created with (a form's, or an API Idempotency-Key), so a
    # replayed create finds it; unique per user through write_receipts, not a constraint
    # here (a stale form may legitimately create a second meet with the same id).
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    plan = relationship("Plan", back_populates="meet", uselist=False, cascade="all, delete-orphan")
    reminders = relationship("Reminder", cascade="all, delete-orphan", overlaps="meet")


class Plan(db.Model):
    """The plan generated for one meet; ``e1rm_kg`` holds the maxes its loads were built on."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    meet_id: Mapped[int] = mapped_column(ForeignKey("meets.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    notice: Mapped[str | None] = mapped_column(Text)
    blocks: Mapped[list] = mapped_column(JSON)
    e1rm_kg: Mapped[dict] = mapped_column(JSON)

    meet = relationship("Meet", back_populates="plan")
    sessions = relationship(
        "PlanSession",
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="PlanSession.day",
    )


class PlanSession(db.Model):
    __tablename__ = "plan_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    week_number: Mapped[int] = mapped_column(SmallInteger)
    block: Mapped[str] = mapped_column(String(16))
    deload: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(80))
    is_meet: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the athlete's coach changed the prescriptions: a rebuilt plan keeps them.
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    plan = relationship("Plan", back_populates="sessions")
    exercises = relationship(
        "PlanExercise",
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="PlanExercise.position",
    )


class PlanExercise(db.Model):
    """A prescription: sets x reps at an RPE; load_kg as planned from Plan.e1rm_kg."""

    __tablename__ = "plan_exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("plan_sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(80))
    lift: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))
    sets: Mapped[int] = mapped_column(SmallInteger)
    reps: Mapped[int] = mapped_column(SmallInteger)
    rpe: Mapped[Decimal] = mapped_column(Rpe)
    load_kg: Mapped[Decimal | None] = mapped_column(Kilograms)

    session = relationship("PlanSession", back_populates="exercises")


class Workout(db.Model):
    __tablename__ = "workouts"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    plan_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_sessions.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="app")

    sets = relationship(
        "WorkoutSet",
        back_populates="workout",
        cascade="all, delete-orphan",
        order_by="WorkoutSet.position",
    )
    plan_session = relationship("PlanSession")


class WorkoutSet(db.Model):
    __tablename__ = "workout_sets"
    __table_args__ = (
        UniqueConstraint("user_id", "client_id"),
        CheckConstraint("reps > 0", name="reps_positive"),
        CheckConstraint("load_kg >= 0", name="load_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workout_id: Mapped[int] = mapped_column(
        ForeignKey("workouts.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(SmallInteger)
    exercise: Mapped[str] = mapped_column(String(80))
    lift: Mapped[str | None] = mapped_column(String(8))
    load_kg: Mapped[Decimal] = mapped_column(Kilograms)
    reps: Mapped[int] = mapped_column(SmallInteger)
    rpe: Mapped[Decimal | None] = mapped_column(Rpe)
    e1rm_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    logged_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    workout = relationship("Workout", back_populates="sets")


class LiftEstimate(db.Model):
    """An e1RM for one lift at one time; the newest is the athlete's current estimate."""

    __tablename__ = "lift_estimates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lift: Mapped[str] = mapped_column(String(8))
    e1rm_kg: Mapped[Decimal] = mapped_column(Kilograms)
    source: Mapped[str] = mapped_column(String(160))
    workout_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id", ondelete="CASCADE"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
