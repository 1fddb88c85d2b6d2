"""Workouts: start a session, log sets idempotently, complete it with a summary that moves e1RM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain import strength
from app.extensions import db
from app.models import LiftEstimate, PlanSession, User, Workout, WorkoutSet
from app.models.types import utcnow
from app.services import events, feed, planner, receipts

PLAUSIBLE_ABOVE_E1RM = Decimal("1.15")  # loads beyond 115% of the e1RM need a second look


def start_workout(
    user: User, client_id: str, plan_session: PlanSession | None = None, title: str | None = None
) -> Workout:
    """Open a workout (start time now, UTC); the same client id returns the same workout."""
    existing = receipts.existing(Workout, user.id, client_id)
    if existing is not None:
        return existing
    workout = Workout(
        user_id=user.id,
        client_id=client_id,
        plan_session=plan_session,
        title=title or (plan_session.title if plan_session else "Training"),
    )
    db.session.add(workout)
    try:
        db.session.commit()
    except IntegrityError:
        return receipts.after_conflict(Workout, user, client_id)
    return workout


@dataclass(frozen=True)
class UnstartedWorkout:
    """Today's session before its first set: what the workout page needs to draw it. The
    workout is made (with this client id) by the first set logged or by completing it, so a
    page saved on the device can log a session that was never started online."""

    plan_session: PlanSession
    client_id: str
    id: None = None
    started_at: None = None
    completed_at: None = None
    sets: tuple = ()

    @property
    def title(self) -> str:
        return self.plan_session.title


def history_page(
    user: User, cursor: str | None = None, limit: int = 20
) -> tuple[list[Workout], str | None]:
    """One page of the user's workouts, newest start first, with their sets loaded, and the
    cursor of the next page (None on the last). Keyset on (started_at, id) with the feed's
    cursors: rows strictly after ``cursor``, so equal start times never repeat or skip."""
    query = (
        select(Workout)
        .filter_by(user_id=user.id)
        .options(selectinload(Workout.sets))
        .order_by(Workout.started_at.desc(), Workout.id.desc())
        .limit(limit + 1)
    )
    position = feed.decode_cursor(cursor)
    if position is not None:
        query = query.filter(tuple_(Workout.started_at, Workout.id) < position)
    rows = list(db.session.scalars(query))
    shown = rows[:limit]
    last = shown[-1] if len(rows) > limit else None
    return shown, feed.encode_position(last.started_at, last.id) if last else None


def open_workout(user: User, plan_session: PlanSession) -> Workout | None:
    """The user's latest workout of ``plan_session`` that isn't completed, if any."""
    return db.session.scalar(
        select(Workout)
        .where(
            Workout.user_id == user.id,
            Workout.plan_session_id == plan_session.id,
            Workout.completed_at.is_(None),
        )
        .order_by(Workout.started_at.desc(), Workout.id.desc())
        .limit(1)
    )


def session_workout(user: User, plan_session: PlanSession, client_id: str) -> Workout:
    """The workout a set for ``plan_session`` goes into: the one made with ``client_id``, else
    the session's open workout (a second device or a re-rendered page), else a new one."""
    existing = receipts.existing(Workout, user.id, client_id)
    if existing is not None:
        return existing
    return open_workout(user, plan_session) or start_workout(
        user, client_id, plan_session=plan_session
    )


@dataclass(frozen=True)
class LoggedSet:
    entry: WorkoutSet
    replayed: bool


def set_e1rm(load_kg: Decimal, reps: int, rpe: Decimal | None) -> Decimal | None:
    """e1RM of a set: the RPE chart when the RPE is given (1-12 reps), else Epley up to 10 reps."""
    if load_kg <= 0:
        return None
    if rpe is not None and reps <= strength.MAX_CHART_REPS:
        try:
            return strength.e1rm_rpe(load_kg, reps, rpe)
        except strength.StrengthInputError:  # an RPE off the chart (below 6, quarter steps)
            pass
    if reps <= 10 and load_kg <= strength.MAX_LOAD_KG:
        return strength.e1rm_epley(load_kg, reps)
    return None


def log_set(
    user: User,
    workout: Workout,
    exercise: str,
    lift: str | None,
    load_kg: Decimal,
    reps: int,
    rpe: Decimal | None,
    client_id: str,
) -> LoggedSet:
    """Store one set (load in kg); a repeated client id returns the set already stored."""
    existing = receipts.existing(WorkoutSet, user.id, client_id)
    if existing is not None:
        return LoggedSet(existing, replayed=True)
    position = (
        db.session.scalar(
            select(func.coalesce(func.max(WorkoutSet.position), -1)).filter_by(
                workout_id=workout.id
            )
        )
        + 1
    )
    entry = WorkoutSet(
        workout_id=workout.id,
        user_id=user.id,
        client_id=client_id,
        position=position,
        exercise=exercise,
        lift=lift,
        load_kg=load_kg,
        reps=reps,
        rpe=rpe,
        e1rm_kg=set_e1rm(load_kg, reps, rpe) if lift else None,
    )
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:
        return LoggedSet(receipts.after_conflict(WorkoutSet, user, client_id), replayed=True)
    return LoggedSet(entry, replayed=False)


def delete_set(user: User, entry: WorkoutSet) -> None:
    """Remove a logged set (a mistyped one) from an open workout."""
    db.session.delete(entry)
    db.session.commit()


@dataclass
class LiftSummary:
    lift: str
    top_set: WorkoutSet
    e1rm_kg: Decimal | None
    previous_e1rm_kg: Decimal | None
    is_pr: bool


@dataclass
class Summary:
    duration_seconds: int
    volume_kg: Decimal
    sets: int
    lifts: list[LiftSummary] = field(default_factory=list)


def summarise(workout: Workout, previous: dict[str, Decimal]) -> Summary:
    """Volume (sum of load x reps, kg), the top set and its e1RM per lift, and PRs against
    ``previous`` (each lift's best e1RM before this workout)."""
    end = workout.completed_at or utcnow()
    volume = sum((s.load_kg * s.reps for s in workout.sets), Decimal(0))
    summary = Summary(int((end - workout.started_at).total_seconds()), volume, len(workout.sets))
    for lift in planner.LIFTS:
        sets = [s for s in workout.sets if s.lift == lift]
        if not sets:
            continue
        top = max(sets, key=lambda s: (s.load_kg, s.reps))
        # The top set drives the estimate (autoregulation by its RPE); else the best set.
        e1rm = top.e1rm_kg or max((s.e1rm_kg for s in sets if s.e1rm_kg), default=None)
        before = previous.get(lift)
        summary.lifts.append(
            LiftSummary(lift, top, e1rm, before, bool(e1rm and before and e1rm > before))
        )
    return summary


def complete_workout(
    user: User, workout: Workout, notes: str | None, now: datetime | None = None
) -> Summary:
    """Close the workout (duration from its start), record each lift's new e1RM from its best
    set, and return the summary. Completing twice changes nothing the second time."""
    previous = _estimates_before(user, workout)
    if workout.completed_at is None:
        workout.completed_at = now or utcnow()
        workout.duration_seconds = int((workout.completed_at - workout.started_at).total_seconds())
        workout.notes = (notes or "").strip() or None
        summary = summarise(workout, previous)
        for lift in summary.lifts:
            if lift.e1rm_kg:
                top = lift.top_set
                db.session.add(
                    LiftEstimate(
                        user_id=user.id,
                        lift=lift.lift,
                        e1rm_kg=lift.e1rm_kg,
                        workout_id=workout.id,
                        source=f"{top.exercise} {top.load_kg.normalize():f} kg x {top.reps}"
                        + (f" @ {top.rpe.normalize():f}" if top.rpe else ""),
                    )
                )
        # the AI coach comments on it: recorded with the workout, relayed after the commit
        events.record("workout.completed", {"workout_id": workout.id, "user_id": user.id})
        db.session.commit()
        events.relay_soon()
        return summary
    return summarise(workout, previous)


def _estimates_before(user: User, workout: Workout) -> dict[str, Decimal]:
    """Each lift's best e1RM recorded before ``workout`` (the profile's best if none)."""
    rows = db.session.scalars(
        select(LiftEstimate)
        .filter(
            LiftEstimate.user_id == user.id,
            (LiftEstimate.workout_id != workout.id) | LiftEstimate.workout_id.is_(None),
        )
        .order_by(LiftEstimate.recorded_at, LiftEstimate.id)
    )
    best: dict[str, Decimal] = {}
    for row in rows:
        best[row.lift] = max(best.get(row.lift, row.e1rm_kg), row.e1rm_kg)
    fallback = planner.profile_maxes(user)
    return {lift: best.get(lift, fallback.get(lift)) for lift in planner.LIFTS}
