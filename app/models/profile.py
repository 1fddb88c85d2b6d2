"""The athlete profile filled in at onboarding: body, meet, lifts, training and health."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import Kilograms, UtcDateTime, utcnow

LIFTS = ("squat", "bench", "deadlift")
ONBOARDING_STEPS = 5


class AthleteProfile(db.Model):
    """One per athlete (unique user_id). Masses in kg (Numeric), height in cm."""

    __tablename__ = "athlete_profiles"
    __table_args__ = (
        CheckConstraint("sex IN ('M', 'F')", name="sex"),
        CheckConstraint("bodyweight_kg > 0", name="bodyweight_positive"),
        CheckConstraint("days_per_week BETWEEN 2 AND 7", name="days_per_week"),
        CheckConstraint("feed_visibility IN ('public', 'passcode')", name="feed_visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    steps_done: Mapped[int] = mapped_column(SmallInteger, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    # Step 1: body
    sex: Mapped[str | None] = mapped_column(String(1))
    age: Mapped[int | None] = mapped_column(SmallInteger)
    bodyweight_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    height_cm: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))

    # Step 2: meet
    federation: Mapped[str | None] = mapped_column(String(16))
    weight_class: Mapped[str | None] = mapped_column(String(8))
    meet_date: Mapped[date | None] = mapped_column(Date)
    weight_plan: Mapped[str | None] = mapped_column(String(8))
    target_bodyweight_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    past_competitions: Mapped[str | None] = mapped_column(Text)

    # Step 3: lifts (best = load x reps; goals are 1RM goals)
    squat_best_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    squat_best_reps: Mapped[int | None] = mapped_column(SmallInteger)
    bench_best_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    bench_best_reps: Mapped[int | None] = mapped_column(SmallInteger)
    deadlift_best_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    deadlift_best_reps: Mapped[int | None] = mapped_column(SmallInteger)
    squat_goal_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    bench_goal_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    deadlift_goal_kg: Mapped[Decimal | None] = mapped_column(Kilograms)
    most_important_lift: Mapped[str | None] = mapped_column(String(8))
    least_important_lift: Mapped[str | None] = mapped_column(String(8))
    planned_gain_kg_per_month: Mapped[Decimal | None] = mapped_column(Kilograms)
    evaluate_feasibility: Mapped[bool] = mapped_column(Boolean, default=True)

    # Step 4: training
    days_per_week: Mapped[int | None] = mapped_column(SmallInteger)
    session_minutes: Mapped[int | None] = mapped_column(SmallInteger)
    volume_preference: Mapped[str | None] = mapped_column(String(8))
    squat_recovery: Mapped[int | None] = mapped_column(SmallInteger)
    bench_recovery: Mapped[int | None] = mapped_column(SmallInteger)
    deadlift_recovery: Mapped[int | None] = mapped_column(SmallInteger)
    recovers_from_heavy_deadlifts: Mapped[bool | None] = mapped_column(Boolean)
    deadlift_style: Mapped[str | None] = mapped_column(String(12))
    squat_stance: Mapped[str | None] = mapped_column(String(8))
    knee_sleeves: Mapped[bool | None] = mapped_column(Boolean)

    # Step 5: health and sharing
    form_issues: Mapped[str | None] = mapped_column(Text)
    injuries: Mapped[str | None] = mapped_column(Text)
    feed_visibility: Mapped[str] = mapped_column(String(8), default="public")
    feed_passcode_hash: Mapped[str | None] = mapped_column(String(255))

    user = relationship("User", back_populates="profile")

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
