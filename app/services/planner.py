"""Meets and their plans: saving a meet (re)generates its plan; loads follow the current e1RM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain import loading, programming, strength
from app.extensions import db
from app.models import (
    AthleteProfile,
    LiftEstimate,
    Meet,
    Plan,
    PlanExercise,
    PlanSession,
    User,
    Workout,
)
from app.models.types import utcnow
from app.services import events, receipts, reminders

LIFTS = programming.LIFTS


def current_e1rm(user: User) -> dict[str, Decimal]:
    """Each lift's newest e1RM estimate (kg); lifts never logged fall back to the profile's best
    (Epley for a best of more than one rep). Lifts with neither are missing from the dict."""
    estimates = {}
    rows = db.session.scalars(
        select(LiftEstimate)
        .filter_by(user_id=user.id)
        .order_by(LiftEstimate.recorded_at, LiftEstimate.id)
    )
    for row in rows:
        estimates[row.lift] = row.e1rm_kg
    return {**profile_maxes(user), **estimates}


def profile_maxes(user: User) -> dict[str, Decimal]:
    """e1RMs from the profile's bests (Epley for a best of more than one rep), kg."""
    profile = db.session.scalar(select(AthleteProfile).filter_by(user_id=user.id))
    maxes = {}
    for lift in LIFTS:
        best = getattr(profile, f"{lift}_best_kg", None) if profile else None
        if best:
            maxes[lift] = strength.e1rm_epley(best, getattr(profile, f"{lift}_best_reps") or 1)
    return maxes


def active_meet(user: User, today: date, with_plan: bool = False) -> Meet | None:
    """The athlete's next meet (today or later), else None. ``with_plan`` loads its plan,
    sessions and their exercises up front: four queries however long the plan, where lazy
    loading would take one per session for a page that lists them all."""
    query = (
        select(Meet)
        .filter(Meet.user_id == user.id, Meet.meet_date >= today)
        .order_by(Meet.meet_date)
    )
    if with_plan:
        query = query.options(
            selectinload(Meet.plan).selectinload(Plan.sessions).selectinload(PlanSession.exercises)
        )
    return db.session.scalars(query).first()


@dataclass(frozen=True)
class SavedMeet:
    meet: Meet
    replayed: bool


def save_meet(
    user: User, values: dict, client_id: str, today: date, meet: Meet | None = None
) -> SavedMeet:
    """Create ``meet`` (or update it) from ``values`` (name, meet_date, federation, location)
    and generate its plan from the profile and current e1RMs; one commit.

    The same client id with the same values changes nothing. Raises programming.PlanError when no plan can be
    built (e.g. a lift has no max yet); nothing is written then.
    """
    digest = receipts.fingerprint(meet.id if meet else None, sorted(values.items()))
    if receipts.is_replay(user.id, client_id, digest):
        return SavedMeet(
            meet or meet_created_with(user, client_id) or active_meet(user, today), True
        )
    editing = meet
    try:
        receipts.stamp(user.id, client_id, "meet.save", digest)
        if meet is None:
            meet = Meet(user_id=user.id, client_id=client_id)
            db.session.add(meet)
        date_changed = meet.meet_date != values["meet_date"]
        for name, value in values.items():
            setattr(meet, name, value)
        db.session.flush()
        if date_changed or meet.plan is None:
            _generate(user, meet, today)
        reminders.plan_for_meet(user, meet, utcnow())  # the intent, in the same transaction
        events.record(
            "meet.changed",
            {"meet_id": meet.id, "user_id": user.id, "meet_date": meet.meet_date.isoformat()},
        )
        db.session.commit()
    except IntegrityError:  # the same client id raced in: the other request saved it
        db.session.rollback()
        return SavedMeet(editing or meet_created_with(user, client_id), replayed=True)
    except programming.PlanError:
        db.session.rollback()
        raise
    events.relay_soon()
    return SavedMeet(meet, replayed=False)


def meets_of(user: User) -> list[Meet]:
    """All the user's meets, soonest first (past ones too)."""
    query = select(Meet).filter_by(user_id=user.id).order_by(Meet.meet_date, Meet.id)
    return list(db.session.scalars(query))


def meet_created_with(user: User, client_id: str) -> Meet | None:
    """The first meet ``user`` created with ``client_id`` (a form's id, an API
    Idempotency-Key), if any."""
    return db.session.scalars(
        select(Meet).filter_by(user_id=user.id, client_id=client_id).order_by(Meet.id)
    ).first()


def plan_first_meet(user: User, today: date) -> Meet | None:
    """At the end of onboarding: turn the profile's meet date into the athlete's meet and plan
    (named "My next meet", renamed later), unless a meet exists or the date is past."""
    profile = db.session.scalar(select(AthleteProfile).filter_by(user_id=user.id))
    if profile is None or profile.meet_date is None or profile.meet_date < today:
        return None
    if active_meet(user, today) is not None:
        return None
    values = {
        "name": "My next meet",
        "meet_date": profile.meet_date,
        "federation": profile.federation or "IPF",
        "location": None,
    }
    try:
        return save_meet(user, values, f"onboarding-meet-{user.id}", today).meet
    except programming.PlanError:
        return None


def delete_meet(meet: Meet) -> None:
    """Delete the meet with its plan and reminders (a queued reminder job then finds nothing)."""
    db.session.delete(meet)
    db.session.commit()


def regenerate_plan(user: User, meet: Meet, today: date) -> Plan:
    """Build the meet's plan again from today's e1RMs and profile; commits."""
    plan = _generate(user, meet, today)
    db.session.commit()
    return plan


def _generate(user: User, meet: Meet, today: date) -> Plan:
    profile = db.session.scalar(select(AthleteProfile).filter_by(user_id=user.id))
    maxes = current_e1rm(user)
    inputs = programming.PlanInputs(
        start=today,
        meet=meet.meet_date,
        days_per_week=profile.days_per_week or 4,
        session_minutes=profile.session_minutes or 90,
        e1rm_kg=maxes,
        most_important=profile.most_important_lift or "squat",
        least_important=profile.least_important_lift or "deadlift",
        recovery={lift: getattr(profile, f"{lift}_recovery") or 3 for lift in LIFTS},
        volume_preference=profile.volume_preference or "medium",
        recovers_from_heavy_deadlifts=profile.recovers_from_heavy_deadlifts is not False,
        unit=user.mass_unit,
    )
    generated = programming.generate_plan(inputs)
    kept = _coach_edits(meet.plan, today)
    if meet.plan is not None:
        db.session.delete(meet.plan)
        db.session.flush()
    plan = Plan(
        meet=meet,
        user_id=user.id,
        notice=generated.notice,
        blocks=[
            {
                "kind": b.kind,
                "title": b.title,
                "first_week": b.first_week,
                "weeks": b.weeks,
                "explanation": b.explanation,
            }
            for b in generated.blocks
        ],
        e1rm_kg={lift: str(value) for lift, value in maxes.items()},
    )
    for week in generated.weeks:
        for day in week.days:
            session = PlanSession(
                day=day.day,
                week_number=week.number,
                block=week.block,
                deload=week.deload,
                title=day.title,
                is_meet=day.is_meet,
            )
            session.exercises = [
                PlanExercise(
                    position=i,
                    name=p.name,
                    lift=p.lift,
                    kind=p.kind,
                    sets=p.sets,
                    reps=p.reps,
                    rpe=p.rpe,
                    load_kg=p.load_kg,
                )
                for i, p in enumerate(day.exercises)
            ]
            plan.sessions.append(session)
    _restore_coach_edits(plan, kept)
    db.session.add(plan)
    db.session.flush()
    return plan


def _coach_edits(plan: Plan | None, today: date) -> dict[date, dict]:
    """The coming sessions of ``plan`` a coach edited, by day, as plain values (the rows go
    with the old plan)."""
    if plan is None:
        return {}
    return {
        s.day: {
            "title": s.title,
            "edited_by_id": s.edited_by_id,
            "edited_at": s.edited_at,
            "exercises": [
                (e.name, e.lift, e.kind, e.sets, e.reps, e.rpe, e.load_kg) for e in s.exercises
            ],
        }
        for s in plan.sessions
        if s.edited_at is not None and s.day >= today and not s.is_meet
    }


def _restore_coach_edits(plan: Plan, kept: dict[date, dict]) -> None:
    """A rebuilt plan keeps what the coach prescribed: an edited day replaces the generated
    session of that day, or is added back (in the week it falls in) when the new plan has
    none that day. Days on or after the meet are dropped."""
    meet_day = max((s.day for s in plan.sessions if s.is_meet), default=None)
    by_day = {s.day: s for s in plan.sessions}
    for day, edit in sorted(kept.items()):
        if meet_day is not None and day >= meet_day:
            continue
        session = by_day.get(day)
        if session is None:
            before = max(
                (s for s in plan.sessions if s.day < day), key=lambda s: s.day, default=None
            )
            template = before or min(plan.sessions, key=lambda s: s.day)
            session = PlanSession(
                day=day,
                week_number=template.week_number,
                block=template.block,
                deload=template.deload,
                title=edit["title"],
                is_meet=False,
            )
            plan.sessions.append(session)
        session.title = edit["title"]
        session.edited_by_id, session.edited_at = edit["edited_by_id"], edit["edited_at"]
        session.exercises = [
            PlanExercise(
                position=i,
                name=n,
                lift=lift,
                kind=kind,
                sets=sets,
                reps=reps,
                rpe=rpe,
                load_kg=load,
            )
            for i, (n, lift, kind, sets, reps, rpe, load) in enumerate(edit["exercises"])
        ]
    plan.sessions.sort(key=lambda s: s.day)


def next_session(plan: Plan, today: date) -> PlanSession | None:
    """Today's session unless it is done, else the next one to come."""
    done = set(
        db.session.scalars(
            select(Workout.plan_session_id).filter(
                Workout.user_id == plan.user_id, Workout.completed_at.is_not(None)
            )
        )
    )
    return next((s for s in plan.sessions if s.day >= today and s.id not in done), None)


@dataclass(frozen=True)
class Prescribed:
    """A prescription's load for today and why it differs from the plan, if it does."""

    load_kg: Decimal | None
    reason: str | None


def prescribed_load(
    exercise: PlanExercise, plan: Plan, maxes: dict[str, Decimal], unit: str
) -> Prescribed:
    """Autoregulation: the planned load scaled by current e1RM / the e1RM the plan was built
    on, rounded to plates. The reason names both e1RMs when they differ."""
    if exercise.load_kg is None or exercise.lift is None:
        return Prescribed(exercise.load_kg, None)
    planned_on = Decimal(plan.e1rm_kg.get(exercise.lift, "0"))
    now = maxes.get(exercise.lift)
    if not planned_on or not now or now == planned_on:
        return Prescribed(exercise.load_kg, None)
    load = loading.loadable(exercise.load_kg * now / planned_on, unit)
    change = (now / planned_on - 1) * 100
    reason = (
        f"{exercise.lift.capitalize()} e1RM {'up' if change > 0 else 'down'} "
        f"{abs(change):.1f}% since the plan was made"
    )
    return Prescribed(load, reason)


def feasibility(user: User, meet: Meet, today: date) -> dict | None:
    """Goal verdicts per lift and for the total from today's e1RMs, or None when the athlete
    didn't ask for them or the profile lacks goals, maxes or bodyweight."""
    from app.domain import feasibility as judge
    from app.domain import points

    profile = db.session.scalar(select(AthleteProfile).filter_by(user_id=user.id))
    if profile is None or not profile.evaluate_feasibility or not profile.bodyweight_kg:
        return None
    maxes = current_e1rm(user)
    goals = {lift: getattr(profile, f"{lift}_goal_kg") for lift in LIFTS}
    if any(goals[lift] is None or lift not in maxes for lift in LIFTS):
        return None
    total = sum(maxes[lift] for lift in LIFTS)
    dots = points.dots(profile.sex or "M", float(profile.bodyweight_kg), float(total))
    return judge.evaluate(
        goals,
        maxes,
        (meet.meet_date - today).days,
        profile.planned_gain_kg_per_month or Decimal("2.5"),
        dots,
    )


def projected_attempts(user: User, meet: Meet, today: date) -> dict:
    """Opener/second/third per lift (kg, the federation's steps) from the projected meet-day
    max: today's e1RM plus the realistic gain to the meet (feasibility), standard style."""
    from app.domain import attempts

    maxes = current_e1rm(user)
    verdicts = feasibility(user, meet, today) or {}
    chosen = {}
    for lift in LIFTS:
        if lift not in maxes:
            continue
        gain = verdicts[lift].expected_gain_kg if lift in verdicts else Decimal(0)
        try:
            chosen[lift] = attempts.select_attempts(maxes[lift] + gain, meet.federation)
        except attempts.AttemptError:
            continue
    return chosen
