"""Meets, plans, workouts and sets in the JSON API. Writes take an Idempotency-Key, kept as
the row's client id (unique per user): a repeated key returns the original result."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, url_for

from app.domain import programming, strength
from app.models import Meet, Workout, WorkoutSet
from app.services import planner, profiles, receipts, workouts
from app.web import access
from app.web.api import bp
from app.web.api.auth import (
    WRITE,
    api_user,
    body,
    endpoint,
    idempotency_key,
    owned,
    unprocessable,
)
from app.web.api.schemas import (
    CompletedWorkoutOut,
    CompleteIn,
    IdempotencyHeaders,
    MeetIn,
    MeetList,
    MeetOut,
    PageQuery,
    PlanExerciseOut,
    PlanOut,
    PlanSessionOut,
    SetIn,
    SetOut,
    SummaryOut,
    WorkoutIn,
    WorkoutOut,
    WorkoutPage,
    WorkoutSummaryOut,
)
from app.web.onboarding.base import local_today

ID = "int(min=1, max=2147483647)"  # a 32-bit database id: larger ones 404 instead of erring
GRAM = Decimal("0.0001")  # loads are stored to 0.1 g


def meet_out(meet: Meet) -> MeetOut:
    return MeetOut.of(meet, has_plan=meet.plan is not None)


def workout_out(workout: Workout, model=WorkoutOut, **extra):
    return model.of(workout, set_count=len(workout.sets), **extra)


# Meets and plans --------------------------------------------------------------------------------


@bp.get("/meets")
@endpoint(MeetList, tags=["meets"])
def list_meets():
    """Your meets, soonest first (past ones too)."""
    return MeetList(items=[meet_out(meet) for meet in planner.meets_of(api_user())])


@bp.post("/meets")
@endpoint(
    MeetOut,
    status=201,
    scope=WRITE,
    errors=(409,),
    tags=["meets"],
    json=MeetIn,
    headers=IdempotencyHeaders,
)
def create_meet(json: MeetIn, headers: IdempotencyHeaders):
    """Add a meet and build its plan (from your profile and current e1RMs).

    Meet reminders are scheduled as in the app. 422 when no plan can be built (a date in the
    past or more than 52 weeks out, a lift without a max); 409 before the profile is done."""
    user, values, key = api_user(), body(json).model_dump(), idempotency_key(headers)
    meet = planner.meet_created_with(user, key)
    if meet is None:
        profile = profiles.profile_of(user)
        if profile is None or not profile.is_complete:
            abort(409, "Finish your athlete profile first: the plan is built from it.")
        try:
            saved = planner.save_meet(user, values, key, local_today(user.time_zone))
        except programming.PlanError as error:
            unprocessable("meet_date", f"No plan possible: {error}.")
        meet = saved.meet
        if meet is None or meet.client_id != key:  # a race lost to a failed request, or the
            # key's meet was deleted since: there is no original result to give back
            abort(409, "This Idempotency-Key was already used; send a new one.")
    location = url_for("api.show_meet", meet_id=meet.id)
    return meet_out(meet), 201, {"Location": location}


@bp.get(f"/meets/<{ID}:meet_id>")
@endpoint(MeetOut, errors=(404,), tags=["meets"])
def show_meet(meet_id: int):
    """One of your meets."""
    return meet_out(owned(Meet, meet_id))


@bp.get(f"/meets/<{ID}:meet_id>/plan")
@endpoint(PlanOut, errors=(404,), tags=["meets"])
def show_plan(meet_id: int):
    """The meet's plan: blocks, and every session with its prescriptions. Each exercise has
    the planned load and today's (autoregulated by your current e1RM)."""
    user, meet = api_user(), owned(Meet, meet_id)
    plan = meet.plan or abort(404, "This meet has no plan.")
    maxes = planner.current_e1rm(user)

    def exercise_out(exercise):
        today = planner.prescribed_load(exercise, plan, maxes, user.mass_unit).load_kg
        return PlanExerciseOut.of(exercise, prescribed_load_kg=today)

    sessions = [
        PlanSessionOut.of(s, exercises=[exercise_out(e) for e in s.exercises])
        for s in plan.sessions
    ]
    return PlanOut.of(plan, sessions=sessions)


# Workouts and sets ------------------------------------------------------------------------------


@bp.get("/workouts")
@endpoint(WorkoutPage, tags=["workouts"], query=PageQuery)
def list_workouts(query: PageQuery):
    """Your workouts, newest first, a page at a time (pass next_cursor back as ?cursor=)."""
    rows, cursor = workouts.history_page(api_user(), query.cursor, query.limit)
    items = [workout_out(w, WorkoutSummaryOut) for w in rows]
    return WorkoutPage(items=items, next_cursor=cursor)


@bp.post("/workouts")
@endpoint(
    WorkoutOut,
    status=201,
    scope=WRITE,
    errors=(404,),
    tags=["workouts"],
    json=WorkoutIn,
    headers=IdempotencyHeaders,
)
def create_workout(json: WorkoutIn, headers: IdempotencyHeaders):
    """Start a workout now, for a session of your plan or free-standing."""
    user, data = api_user(), body(json)
    session = None
    if data.plan_session_id is not None:
        session = access.plan_session_or_404(data.plan_session_id, user=user)
    workout = workouts.start_workout(
        user, idempotency_key(headers), plan_session=session, title=data.title
    )
    if workout.plan_session_id != (session.id if session else None) or (
        data.title is not None and workout.title != data.title
    ):
        key_reused()
    location = url_for("api.show_workout", workout_id=workout.id)
    return workout_out(workout), 201, {"Location": location}


def key_reused():
    """Stop with a 422: the Idempotency-Key already names a different write (a replay must
    send the same request; a new write needs a new key)."""
    unprocessable(
        "Idempotency-Key",
        "This Idempotency-Key was used for a different request: send a new key for a new write.",
    )


@bp.get(f"/workouts/<{ID}:workout_id>")
@endpoint(WorkoutOut, errors=(404,), tags=["workouts"])
def show_workout(workout_id: int):
    """One of your workouts with its sets in the order logged."""
    return workout_out(owned(Workout, workout_id))


@bp.post(f"/workouts/<{ID}:workout_id>/sets")
@endpoint(
    SetOut,
    status=201,
    scope=WRITE,
    errors=(404, 409),
    tags=["workouts"],
    json=SetIn,
    headers=IdempotencyHeaders,
)
def create_set(workout_id: int, json: SetIn, headers: IdempotencyHeaders):
    """Log a set (load in kg). With lift set, its e1RM is worked out (RPE chart, else Epley)
    and counts when the workout is completed. 409 once the workout is completed."""
    user, workout, data, key = (
        api_user(),
        owned(Workout, workout_id),
        body(json),
        idempotency_key(headers),
    )
    load_kg = Decimal(repr(data.load_kg)).quantize(GRAM)
    rpe = None if data.rpe is None else strength.normalise_rpe(data.rpe)
    entry = receipts.existing(WorkoutSet, user.id, key)
    if entry is None:
        if workout.completed_at is not None:
            abort(409, "This workout is finished.")
        entry = workouts.log_set(
            user, workout, data.exercise, data.lift, load_kg, data.reps, rpe, key
        ).entry
    sent = (workout.id, data.exercise, data.lift, load_kg, data.reps, rpe)
    stored = (entry.workout_id, entry.exercise, entry.lift, entry.load_kg, entry.reps, entry.rpe)
    if sent != stored:
        key_reused()
    location = url_for("api.show_workout", workout_id=entry.workout_id)
    return SetOut.of(entry), 201, {"Location": location}


@bp.post(f"/workouts/<{ID}:workout_id>/complete")
@endpoint(CompletedWorkoutOut, scope=WRITE, errors=(404,), tags=["workouts"], json=CompleteIn)
def complete_workout(workout_id: int, json: CompleteIn):
    """Complete the workout: its duration, volume, top sets, e1RMs and PRs. Your e1RMs move,
    and the AI coach comments, as in the app. Completing again changes nothing."""
    user, workout = api_user(), owned(Workout, workout_id)
    summary = workouts.complete_workout(user, workout, body(json).notes)
    return workout_out(
        workout,
        CompletedWorkoutOut,
        summary=SummaryOut.model_validate(summary, from_attributes=True),
    )
