"""The AI coach: a system user "Coach" that answers athletes' messages and comments on each
completed workout, in the athlete's conversation with it.

Replies come from the configured OpenAI-compatible endpoint (services/llm.py) with a prompt
rendered from the database templates (services/prompts.py); without an endpoint, or when it
fails, from the rule-based coach (domain/coaching.py), which always gives numbers. Every
exchange is logged (AiExchange). Handlers run from outbox events and are idempotent: the
reply message carries the event id as its client id, so a retried job never answers twice.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain import coaching, units
from app.extensions import db
from app.models import (
    AiExchange,
    CoachLink,
    LiftEstimate,
    Message,
    OutboxEvent,
    PlanExercise,
    User,
    Workout,
)
from app.services import llm, messaging, planner, prompts

log = logging.getLogger(__name__)

COACH_EMAIL = "coach@meetday.invalid"
HISTORY_WEEKS = 6
CONVERSATION_MESSAGES = 12  # bounded: the newest messages of the chat go into the prompt
LIFTS = ("squat", "bench", "deadlift")


def coach_user() -> User:
    """The AI coach's account (created on first use; it has no password and can't sign in)."""
    found = db.session.scalar(select(User).filter_by(email=COACH_EMAIL))
    if found is not None:
        return found
    db.session.add(User(email=COACH_EMAIL, display_name="Coach", role="coach", is_system=True))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return db.session.scalar(select(User).filter_by(email=COACH_EMAIL))


def _today(user: User) -> date:
    from app.web.onboarding.base import local_today

    return local_today(user.time_zone or "UTC")


def facts(
    athlete: User, today: date, upto: Workout | None = None, with_attempts: bool = True
) -> coaching.AthleteFacts:
    """What the coaches (rules and LLM) know: the next meet, each session's top set per lift
    over the last HISTORY_WEEKS weeks with its planned RPE, the e1RM history and the next
    session's top sets. ``upto``: as things stood when that workout was done (later
    workouts and their e1RMs left out), for a comment on it. ``with_attempts``: also the meet
    attempts (a roster has no use for them and they cost a look through the chats)."""
    since = today - timedelta(weeks=HISTORY_WEEKS)
    query = (
        select(Workout)
        .options(selectinload(Workout.sets))
        .filter(Workout.user_id == athlete.id, Workout.completed_at.is_not(None))
        .order_by(Workout.started_at, Workout.id)
    )
    if upto is not None:
        query = query.filter(Workout.started_at <= upto.started_at)
    workouts = db.session.scalars(query).all()
    included = {w.id for w in workouts}
    targets = _planned_top_rpe([w.plan_session_id for w in workouts if w.plan_session_id])
    top_sets = []
    for workout in workouts:
        day = workout.started_at.date()
        if day < since:
            continue
        for lift in LIFTS:
            sets = [s for s in workout.sets if s.lift == lift]
            if not sets:
                continue
            top = max(sets, key=lambda s: (s.load_kg, -s.reps))
            top_sets.append(
                coaching.TopSet(
                    day,
                    lift,
                    top.load_kg,
                    top.reps,
                    top.rpe,
                    targets.get((workout.plan_session_id, lift)),
                )
            )
    history: dict[str, list] = {}
    for estimate in db.session.scalars(
        select(LiftEstimate)
        .filter(LiftEstimate.user_id == athlete.id)
        .order_by(LiftEstimate.recorded_at, LiftEstimate.id)
    ):
        if upto is not None and estimate.workout_id not in included:
            continue
        if estimate.recorded_at.date() >= since:
            history.setdefault(estimate.lift, []).append(
                (estimate.recorded_at.date(), estimate.e1rm_kg)
            )
    meet = planner.active_meet(athlete, today)
    next_sets = []
    if meet is not None and meet.plan is not None:
        session = planner.next_session(meet.plan, today)
        if session is not None and not session.is_meet:
            next_sets = [
                coaching.PlannedTopSet(session.day, e.lift, e.load_kg, e.reps, e.rpe)
                for e in session.exercises
                if e.kind == "top set" and e.lift in LIFTS and e.load_kg is not None
            ]
    attempts, source = _attempts(athlete, meet, today) if with_attempts else ({}, "planned")
    return coaching.AthleteFacts(
        attempts=attempts,
        attempts_source=source,
        today=today,
        mass_unit=athlete.mass_unit,
        meet_date=meet.meet_date if meet else None,
        meet_name=meet.name if meet else None,
        top_sets=tuple(top_sets),
        e1rm_history={lift: tuple(points) for lift, points in history.items()},
        next_sets=tuple(next_sets),
    )


def _attempts(athlete: User, meet, today: date) -> tuple[dict, str]:
    """The athlete's meet attempts: the pin in a chat when there is one, else the planner's
    selection for the next meet; ({lift: (opener, second, third) kg}, 'pinned' | 'planned')."""
    pins = messaging.meet_day_pins(athlete)
    if pins:
        pinned = pins[0][0].attempts
        return {
            lift: tuple(Decimal(v) for v in values) for lift, values in pinned.items()
        }, "pinned"
    if meet is None:
        return {}, "planned"
    chosen = planner.projected_attempts(athlete, meet, today)
    return {lift: picked.as_tuple() for lift, picked in chosen.items()}, "planned"


def _planned_top_rpe(session_ids: list[int]) -> dict[tuple[int, str], Decimal]:
    if not session_ids:
        return {}
    rows = db.session.scalars(
        select(PlanExercise).filter(
            PlanExercise.session_id.in_(session_ids), PlanExercise.kind == "top set"
        )
    )
    return {(e.session_id, e.lift): e.rpe for e in rows}


def _context(athlete: User, known: coaching.AthleteFacts, advice: str) -> dict:
    """The template variables: plain values, loads already in the athlete's unit."""
    unit = athlete.mass_unit

    def mass(kg) -> str:
        return units.display_mass(kg, unit)

    meet = None
    if known.meet_date is not None:
        days = (known.meet_date - known.today).days
        found = planner.active_meet(athlete, known.today)
        meet = {
            "name": known.meet_name,
            "date": known.meet_date.isoformat(),
            "days_out": days,
            "weeks_out": days // 7,
            "federation": found.federation if found else "",
        }
    trends = []
    for lift, points in known.e1rm_history.items():
        first, last = points[0], points[-1]
        weeks = max(1, round((last[0] - first[0]).days / 7))
        change = last[1] - first[1]
        trends.append(
            {
                "lift": lift,
                "current": mass(last[1]),
                "change": ("+" if change >= 0 else "-") + mass(abs(change)),
                "weeks": weeks,
            }
        )
    link = db.session.scalar(select(CoachLink).filter_by(athlete_id=athlete.id))
    profile = athlete.profile
    return {
        "athlete": {
            "name": athlete.display_name,
            "unit": unit,
            "bodyweight": mass(profile.bodyweight_kg)
            if profile is not None and getattr(profile, "bodyweight_kg", None)
            else "",
            "coach": db.session.get(User, link.coach_id).display_name if link else "",
        },
        "meet": meet,
        "e1rm_trends": trends,
        "recent_top_sets": [
            {
                "day": s.day.isoformat(),
                "lift": s.lift,
                "load": mass(s.load_kg),
                "reps": s.reps,
                "rpe": units.plain(s.rpe) if s.rpe is not None else "",
                "target_rpe": units.plain(s.target_rpe) if s.target_rpe is not None else "",
            }
            for s in known.top_sets[-12:]
        ],
        "next_session": [
            {
                "day": s.day.isoformat(),
                "lift": s.lift,
                "load": mass(s.load_kg),
                "reps": s.reps,
                "target_rpe": units.plain(s.target_rpe),
            }
            for s in known.next_sets
        ],
        "rules_advice": advice,
    }


def reply_to_message(event: OutboxEvent) -> Message | None:
    """Handler of 'coach.reply.requested': answer the athlete's message (once per event)."""
    coach = coach_user()
    done = _reply_for(coach, event)
    if done is not None:
        return done
    asked = db.session.get(Message, event.payload["message_id"])
    if asked is None:
        return None
    athlete = db.session.get(User, asked.sender_id)
    conversation = messaging.conversation_between(athlete, coach)
    known = facts(athlete, _today(athlete))
    advice = coaching.advise(known, "dm", asked.body)
    context = _context(athlete, known, advice.text)
    recent, _ = messaging.messages(conversation, limit=CONVERSATION_MESSAGES)
    context["conversation"] = [
        {"who": "Coach" if m.sender_id == coach.id else athlete.display_name, "text": _text(m)}
        for m in recent
        if m.created_at <= asked.created_at
    ]
    context["question"] = asked.body or ""
    return _answer(coach, athlete, conversation, event, "coach_dm_response", context, advice)


def comment_on_workout(event: OutboxEvent) -> Message | None:
    """Handler of 'workout.completed': a comment on the workout in the athlete's chat with
    the coach (once per event)."""
    coach = coach_user()
    done = _reply_for(coach, event)
    if done is not None:
        return done
    workout = db.session.get(Workout, event.payload["workout_id"])
    if workout is None:
        return None
    athlete = db.session.get(User, workout.user_id)
    conversation = messaging.conversation_between(athlete, coach)
    known = facts(athlete, workout.started_at.date(), upto=workout)
    advice = coaching.advise(known, "workout")
    context = _context(athlete, known, advice.text)
    context["workout"] = {
        "day": workout.started_at.date().isoformat(),
        "title": workout.title,
        "minutes": (workout.duration_seconds or 0) // 60,
        "notes": workout.notes or "",
        "sets": [
            {
                "exercise": s.exercise,
                "load": units.display_mass(s.load_kg, athlete.mass_unit),
                "reps": s.reps,
                "rpe": units.plain(s.rpe) if s.rpe is not None else "",
                "note": "",
            }
            for s in workout.sets
        ],
    }
    # When the numbers say the next session should change, the prompt asks for exactly that.
    adjust = any(finding.startswith("adjust-next") for finding in advice.findings)
    template = "coach_program_adjustment" if adjust else "coach_workout_completed"
    return _answer(coach, athlete, conversation, event, template, context, advice)


def _text(message: Message) -> str:
    if message.kind == "attempts":
        return "(pinned meet attempts)"
    return message.body or "(attachment)"


def _reply_for(coach: User, event: OutboxEvent) -> Message | None:
    return db.session.scalar(
        select(Message).filter_by(sender_id=coach.id, client_id=f"event:{event.id}")
    )


def _answer(coach, athlete, conversation, event, template_name, context, advice) -> Message:
    """Ask the LLM (when configured) with the rendered template, else use the rules' advice;
    log the exchange and post the reply (one per event)."""
    template = prompts.current(template_name)
    began = time.perf_counter()
    source, model, error = "rules", None, None
    try:
        prompt = prompts.render(template, context)
    except prompts.PromptError as fault:
        prompt, error = "", str(fault)
        log.warning("prompt template failed: %s", fault)
    reply = advice.text
    if prompt and llm.configured():
        try:
            answer = llm.complete([{"role": "user", "content": prompt}])
        except llm.LlmError as fault:
            error = f"{type(fault).__name__}: {fault}"[:500]
            log.warning("LLM coach unavailable, rule-based reply instead: %s", error)
        else:
            reply, source, model = answer.text, "llm", answer.model
    latency_ms = int((time.perf_counter() - began) * 1000)
    message = messaging.send(coach, conversation, reply, f"event:{event.id}")
    exchange = AiExchange(
        event_id=event.id,
        athlete_id=athlete.id,
        trigger=event.name,
        template_name=template.name,
        template_version=template.version,
        prompt=prompt,
        reply=reply,
        source=source,
        model=model,
        latency_ms=latency_ms,
        error=error,
        message_id=message.id,
    )
    db.session.add(exchange)
    try:
        db.session.commit()
    except IntegrityError:  # a retried job already logged this event
        db.session.rollback()
    return message
