"""The coach's pages: the roster, invites, an athlete's plan (edit a session), and the
athlete's side of it: accepting an invite and leaving a coach."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.domain import units
from app.extensions import db
from app.hypermedia import render_view
from app.models import CoachInvite, Post, User, Workout
from app.models.types import utcnow
from app.services import planner, roster, social
from app.web.access import role_required
from app.web.coach import bp
from app.web.coach.forms import session_form
from app.web.onboarding.base import local_today


def _today():
    return local_today(current_user.time_zone or "UTC")


@bp.get("")
@login_required
@role_required("coach", "admin")
def index():
    return render_view(
        "coach/index.html",
        rows=roster.roster(current_user, _today()),
        invites=roster.open_invites(current_user),
        today=_today(),
    )


@bp.post("/invites")
@login_required
@role_required("coach", "admin")
def create_invite():
    invite = roster.create_invite(current_user)
    flash(f"Invite {invite.code} is ready: share the code or the link.", "success")
    return redirect(url_for("coach.index", _anchor="invites"), 303)


@bp.post("/invites/<int:invite_id>/revoke")
@login_required
@role_required("coach", "admin")
def revoke_invite(invite_id: int):
    invite = db.session.get(CoachInvite, invite_id)
    if invite is None or invite.coach_id != current_user.id:
        abort(404)
    roster.revoke_invite(current_user, invite)
    flash(f"Invite {invite.code} withdrawn.", "success")
    return redirect(url_for("coach.index", _anchor="invites"), 303)


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/join/<code>", methods=["GET", "POST"])
@login_required
def join(code: str | None = None):
    """An athlete accepts an invite (from the link, or typing the code)."""
    code = code or request.values.get("code", "")
    invite = roster.find_invite(code) if code else None
    error = None
    if request.method == "POST":
        try:
            coach = roster.accept_invite(current_user, code)
        except roster.InviteError as fault:
            error = str(fault)
        else:
            flash(f"{coach.display_name} is now your coach.", "success")
            return redirect(url_for("planner.index"), 303)
    elif code and invite is None:
        error = "That invite code isn't right. Check it with your coach."
    return render_view(
        "coach/join.html",
        status=422 if error else 200,
        code=code,
        invite=invite,
        error=error,
        current_coach=roster.coach_of(current_user),
    )


@bp.post("/leave")
@login_required
def leave():
    coach = roster.coach_of(current_user)
    roster.leave_coach(current_user)
    if coach is not None:
        flash(f"You left {coach.display_name}'s team.", "success")
    return redirect(url_for("onboarding.show_profile"), 303)


def _athlete_or_404(athlete_id: int) -> User:
    athlete = db.session.get(User, athlete_id)
    if athlete is None or not social.coaches(current_user.id, athlete.id):
        abort(404)  # only your own athletes
    return athlete


@bp.get("/athletes/<int:athlete_id>")
@login_required
@role_required("coach", "admin")
def show_athlete(athlete_id: int):
    athlete = _athlete_or_404(athlete_id)
    today = local_today(athlete.time_zone or "UTC")
    meet = planner.active_meet(athlete, today)
    plan = meet.plan if meet else None
    upcoming = [s for s in plan.sessions if s.day >= today][:8] if plan else []
    workouts = db.session.scalars(
        select(Workout)
        .filter(Workout.user_id == athlete.id, Workout.completed_at.is_not(None))
        .order_by(Workout.completed_at.desc())
        .limit(5)
    ).all()
    videos = db.session.scalars(
        select(Post)
        .filter(Post.user_id == athlete.id, Post.status == "ready", Post.visibility != "private")
        .filter(Post.visibility != "message")
        .order_by(Post.created_at.desc())
        .limit(6)
    ).all()
    row = roster.row_for(athlete, today)
    return render_view(
        "coach/athlete.html",
        athlete=athlete,
        meet=meet,
        plan=plan,
        upcoming=upcoming,
        workouts=workouts,
        videos=videos,
        row=row,
        today=today,
    )


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
@role_required("coach", "admin")
def edit_session(session_id: int):
    session = roster.coached_session(current_user, session_id) or abort(404)
    athlete = db.session.get(User, session.plan.user_id)
    unit = athlete.mass_unit
    form = session_form(session, unit, request.form if request.method == "POST" else None)
    if request.method == "GET":
        for ex in session.exercises:
            form[f"ex{ex.id}_sets"].data = ex.sets
            form[f"ex{ex.id}_reps"].data = ex.reps
            form[f"ex{ex.id}_rpe"].data = ex.rpe
            form[f"ex{ex.id}_load"].data = (
                units.from_kg(ex.load_kg, unit).normalize() if ex.load_kg is not None else None
            )
    elif form.validate():
        for ex in session.exercises:
            ex.sets = form[f"ex{ex.id}_sets"].data
            ex.reps = form[f"ex{ex.id}_reps"].data
            ex.rpe = form[f"ex{ex.id}_rpe"].rpe
            load = form[f"ex{ex.id}_load"].data
            ex.load_kg = units.to_kg(load, unit) if load is not None else None
        session.edited_by_id, session.edited_at = current_user.id, utcnow()  # kept on rebuilds
        db.session.commit()  # the same values again change nothing: idempotent
        flash(f"{athlete.display_name}'s session on {session.day:%a %-d %b} is updated.", "success")
        return redirect(url_for("coach.show_athlete", athlete_id=athlete.id), 303)
    return render_view(
        "coach/session.html",
        status=422 if request.method == "POST" else 200,
        session=session,
        athlete=athlete,
        form=form,
    )
