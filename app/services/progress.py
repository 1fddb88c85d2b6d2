"""Progress: e1RM and top sets per lift over time, and points at the current bodyweight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app.domain import points, units
from app.extensions import db
from app.models import AthleteProfile, LiftEstimate, User, Workout, WorkoutSet
from app.services import planner


@dataclass
class LiftProgress:
    """Chart series for one lift: timestamps (epoch seconds, UTC) and values in ``unit``."""

    lift: str
    x: list[int] = field(default_factory=list)
    e1rm: list[float | None] = field(default_factory=list)
    top_set: list[float | None] = field(default_factory=list)
    recent: list[tuple[datetime, WorkoutSet]] = field(default_factory=list)

    def chart(self) -> dict:
        return {
            "x": self.x,
            "series": [
                {"label": "e1RM", "values": self.e1rm},
                {"label": "Top set", "values": self.top_set},
            ],
        }


def lift_progress(user: User, lift: str) -> LiftProgress:
    """The lift's e1RM estimates and each workout's top set, merged on one time axis."""
    unit = user.mass_unit
    rows: dict[int, list] = {}
    estimates = db.session.scalars(
        select(LiftEstimate)
        .filter_by(user_id=user.id, lift=lift)
        .order_by(LiftEstimate.recorded_at)
    )
    for estimate in estimates:
        rows.setdefault(int(estimate.recorded_at.timestamp()), [None, None])[0] = _unit(
            estimate.e1rm_kg, unit
        )
    sets = db.session.execute(
        select(Workout.started_at, WorkoutSet)
        .join(WorkoutSet.workout)
        .filter(WorkoutSet.user_id == user.id, WorkoutSet.lift == lift)
        .order_by(Workout.started_at, WorkoutSet.load_kg.desc())
    ).all()
    progress = LiftProgress(lift)
    seen_workouts = set()
    for started_at, entry in sets:
        if entry.workout_id in seen_workouts:
            continue  # first row per workout is its heaviest set
        seen_workouts.add(entry.workout_id)
        rows.setdefault(int(started_at.timestamp()), [None, None])[1] = _unit(entry.load_kg, unit)
        progress.recent.append((started_at, entry))
    for stamp in sorted(rows):
        progress.x.append(stamp)
        progress.e1rm.append(rows[stamp][0])
        progress.top_set.append(rows[stamp][1])
    progress.recent = progress.recent[-5:][::-1]
    return progress


def _unit(kg: Decimal, unit: str) -> float:
    return float(units.from_kg(kg, unit).quantize(Decimal("0.1")))


@dataclass(frozen=True)
class PointsNow:
    total_kg: Decimal
    bodyweight_kg: Decimal
    dots: float
    ipf_gl: float
    wilks: float


def points_now(user: User) -> PointsNow | None:
    """DOTS, IPF GL (classic, full power) and Wilks for the current e1RM total at the
    profile's bodyweight; None without a bodyweight, a sex or all three maxes."""
    profile = db.session.scalar(select(AthleteProfile).filter_by(user_id=user.id))
    maxes = planner.current_e1rm(user)
    if profile is None or not profile.bodyweight_kg or not profile.sex or len(maxes) < 3:
        return None
    total = sum(maxes[lift] for lift in planner.LIFTS)
    bodyweight = float(profile.bodyweight_kg)
    return PointsNow(
        total,
        profile.bodyweight_kg,
        points.dots(profile.sex, bodyweight, float(total)),
        points.ipf_gl(profile.sex, bodyweight, float(total)),
        points.wilks(profile.sex, bodyweight, float(total)),
    )
