"""The plan: the meet, the weeks to it, today's session, and logging a workout."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.domain import programming, units
from app.hypermedia import render_view, wants_fragment
from app.models import Meet, Workout, WorkoutSet
from app.readonly import read_only
from app.services import messaging, planner, profiles, receipts, workouts
from app.web.access import owned_or_404, plan_session_or_404
from app.web.fields import UUID_RE
from app.web.onboarding.base import local_today
from app.web.planner import bp
from app.web.planner.forms import CompleteForm, MeetForm, SetForm
from app.web.planner.views import workout_context

BLOCK_TITLES = {kind: style.title for kind, style in programming.BLOCKS.items()}
MEET_WEEK_DAYS = 7  # from a week out the plan page shows the pinned attempts on top


def _week_starts(plan) -> dict[int, date]:
    """Week number -> the Monday-or-whatever day each plan week starts (weeks end on meet day)."""
    if plan is None or not plan.sessions:
        return {}
    weeks = max(s.week_number for s in plan.sessions)
    meet = plan.meet.meet_date
    return {n: meet - timedelta(days=7 * (weeks - n + 1) - 1) for n in range(1, weeks + 1)}


def _today():
    return local_today(current_user.time_zone)


@bp.get("")
@login_required
@read_only
def index():
    today = _today()
    meet = planner.active_meet(current_user, today, with_plan=True)  # every week is listed
    plan = meet.plan if meet else None
    session = planner.next_session(plan, today) if plan else None
    maxes = planner.current_e1rm(current_user)
    return render_view(
        "planner/index.html",
        meet=meet,
        plan=plan,
        session=session,
        session_open=bool(session and workouts.open_workout(current_user, session)),
        today=today,
        maxes=maxes,
        blocks_by_kind=BLOCK_TITLES,
        week_starts=_week_starts(plan),
        verdicts=planner.feasibility(current_user, meet, today) if meet else None,
        attempts=planner.projected_attempts(current_user, meet, today) if meet else {},
        prescribed=lambda ex: planner.prescribed_load(ex, plan, maxes, current_user.mass_unit),
        # the last week and on the day, the pinned attempts are one tap away
        meet_week_pins=messaging.meet_day_pins(current_user)
        if meet and (meet.meet_date - today).days <= MEET_WEEK_DAYS
        else [],
    )


@bp.route("/meets/new", methods=["GET", "POST"])
@bp.route("/meets/<int:meet_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meet(meet_id: int | None = None):
    meet = owned_or_404(Meet, meet_id) if meet_id else None
    form = MeetForm(today=_today(), obj=meet if request.method == "GET" else None)
    if request.method == "GET":
        form.client_id.data = receipts.new_client_id()
        if meet is None:
            _prefill_from_profile(form)
    elif form.validate():
        try:
            planner.save_meet(current_user, form.values(), form.client_id.data, _today(), meet)
        except programming.PlanError as error:
            form.meet_date.errors = [*form.meet_date.errors, f"No plan possible: {error}."]
        else:
            flash("Meet saved. Your plan is ready.", "success")
            return redirect(url_for("planner.index"), 303)
    return render_view(
        "planner/meet_form.html",
        status=422 if request.method == "POST" else 200,
        form=form,
        meet=meet,
    )


def _prefill_from_profile(form: MeetForm) -> None:
    profile = profiles.profile_of(current_user)
    if profile:
        form.meet_date.data = profile.meet_date
        form.federation.data = profile.federation


@bp.post("/meets/<int:meet_id>/delete")
@login_required
def delete_meet(meet_id: int):
    planner.delete_meet(owned_or_404(Meet, meet_id))
    flash("Meet deleted, with its plan and reminders.", "success")
    return redirect(url_for("planner.index"), 303)


@bp.post("/meets/<int:meet_id>/plan")
@login_required
def regenerate_plan(meet_id: int):
    meet = owned_or_404(Meet, meet_id)
    planner.regenerate_plan(current_user, meet, _today())
    flash("Plan rebuilt from your current maxes.", "success")
    return redirect(url_for("planner.index"), 303)


@bp.get("/sessions/<int:session_id>")
@login_required
def show_session(session_id: int):
    session = plan_session_or_404(session_id)
    plan = session.plan
    maxes = planner.current_e1rm(current_user)
    return render_view(
        "planner/session.html",
        session=session,
        session_open=workouts.open_workout(current_user, session) is not None,
        plan=plan,
        blocks_by_kind=BLOCK_TITLES,
        prescribed=lambda ex: planner.prescribed_load(ex, plan, maxes, current_user.mass_unit),
    )


@bp.post("/sessions/<int:session_id>/workouts")
@login_required
def start_workout(session_id: int):
    session = plan_session_or_404(session_id)
    workout = workouts.start_workout(
        current_user,
        request.form.get("client_id") or receipts.new_client_id(),
        plan_session=session,
    )
    return redirect(url_for("planner.show_workout", workout_id=workout.id), 303)


@bp.get("/workouts/<int:workout_id>")
@login_required
def show_workout(workout_id: int):
    workout = owned_or_404(Workout, workout_id)
    return render_view(
        "planner/workout.html", block="exercises", **workout_context(workout, current_user)
    )


@bp.get("/sessions/<int:session_id>/workout")
@login_required
def session_workout(session_id: int):
    """Log a planned session: its open workout, or one that starts with the first set. The
    page is saved on the device when seen, and works offline: its forms post to URLs keyed by
    the workout's client id, so every set made there lands in that one workout."""
    session = plan_session_or_404(session_id)
    workout = workouts.open_workout(current_user, session) or workouts.UnstartedWorkout(
        session, receipts.new_client_id()
    )
    return render_view(
        "planner/workout.html", block="exercises", **workout_context(workout, current_user)
    )


def _session_workout_or_unstarted(session_id: int, client_id: str):
    session = plan_session_or_404(session_id)
    if not UUID_RE.match(client_id):
        abort(404)
    existing = receipts.existing(Workout, current_user.id, client_id)
    return (
        existing
        or workouts.open_workout(current_user, session)
        or (workouts.UnstartedWorkout(session, client_id))
    )


def _started(workout):
    """The workout itself, made now if it was only planned (see UnstartedWorkout)."""
    if workout.id is not None:
        return workout
    return workouts.session_workout(current_user, workout.plan_session, workout.client_id)


@bp.post("/workouts/<int:workout_id>/sets")
@login_required
def create_set(workout_id: int):
    return _log_set(owned_or_404(Workout, workout_id))


@bp.post("/sessions/<int:session_id>/workouts/<client_id>/sets")
@login_required
def create_session_set(session_id: int, client_id: str):
    return _log_set(_session_workout_or_unstarted(session_id, client_id))


def _log_set(workout):
    form = SetForm(mass_unit=current_user.mass_unit)
    if form.client_id.data and receipts.existing(WorkoutSet, current_user.id, form.client_id.data):
        return _back_to_workout(workout)  # a replay (retry, offline queue): already stored
    if workout.completed_at is not None:
        form.load.errors = ["This workout is finished."]
    elif form.validate() and _plausible(form):
        workout = _started(workout)
        workouts.log_set(
            current_user,
            workout,
            form.exercise.data,
            form.lift.data or None,
            units.to_kg(form.load.data, current_user.mass_unit),
            form.reps.data,
            form.rpe_value(),
            form.client_id.data,
        )
        return _back_to_workout(workout)
    return render_view(
        "planner/workout.html",
        block="exercises",
        status=422,
        **workout_context(workout, current_user, failed=form),
    )


def _plausible(form: SetForm) -> bool:
    """A competition-lift set far above the current e1RM is most likely a typo (1000 for
    100): ask once before it moves every load in the plan."""
    lift = form.lift.data or None
    current = planner.current_e1rm(current_user).get(lift) if lift else None
    load_kg = units.to_kg(form.load.data, current_user.mass_unit)
    if not current or load_kg <= current * workouts.PLAUSIBLE_ABOVE_E1RM or form.confirm.data:
        return True
    share = load_kg / current * 100
    form.load.errors = [
        f"That's {share:.0f}% of your {lift} e1RM ({units.display_mass(current, current_user.mass_unit)}). "
        "Check the weight; if it's right, tick the box and log it again."
    ]
    form.confirm_needed = True
    return False


@bp.post("/workouts/<int:workout_id>/sets/<int:set_id>/delete")
@login_required
def delete_set(workout_id: int, set_id: int):
    workout = owned_or_404(Workout, workout_id)
    entry = owned_or_404(WorkoutSet, set_id)
    if entry.workout_id == workout.id and workout.completed_at is None:
        workouts.delete_set(current_user, entry)
    return _back_to_workout(workout)


def _back_to_workout(workout: Workout):
    if wants_fragment():
        return render_view(
            "planner/workout.html", block="exercises", **workout_context(workout, current_user)
        )
    return redirect(url_for("planner.show_workout", workout_id=workout.id), 303)


@bp.post("/workouts/<int:workout_id>/complete")
@login_required
def complete_workout(workout_id: int):
    return _complete(owned_or_404(Workout, workout_id))


@bp.post("/sessions/<int:session_id>/workouts/<client_id>/complete")
@login_required
def complete_session_workout(session_id: int, client_id: str):
    return _complete(_session_workout_or_unstarted(session_id, client_id))


def _complete(workout):
    form = CompleteForm()
    if not form.validate():
        context = workout_context(workout, current_user)
        context["complete_form"] = form  # the one that failed, with its errors
        return render_view("planner/workout.html", status=422, **context)
    workout = _started(workout)
    workouts.complete_workout(current_user, workout, form.notes.data)
    return redirect(url_for("planner.show_summary", workout_id=workout.id), 303)


@bp.get("/workouts/<int:workout_id>/summary")
@login_required
def show_summary(workout_id: int):
    workout = owned_or_404(Workout, workout_id)
    if workout.completed_at is None:
        return redirect(url_for("planner.show_workout", workout_id=workout.id))
    summary = workouts.complete_workout(current_user, workout, None)
    return render_view(
        "planner/summary.html",
        workout=workout,
        summary=summary,
        maxes=planner.current_e1rm(current_user),
    )
