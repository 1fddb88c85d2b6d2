"""Admin pages (role admin only): users and their roles, the sign-in audit, background jobs
that failed (with Retry), and links to the AI coach's back office."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.hypermedia import render_view
from app.models import OutboxEvent, User
from app.services import admin, audit, events
from app.web.access import role_required
from app.web.admin import bp
from app.web.admin.forms import RetryForm, RoleForm

USER_LOGINS_SHOWN = 10


@bp.get("")
@login_required
@role_required("admin")
def index():
    return render_view("admin/index.html")


@bp.get("/users")
@login_required
@role_required("admin")
def list_users():
    search = request.args.get("q", "").strip()
    users = admin.find_users(search, request.args.get("page", 1, type=int))
    return render_view("admin/users.html", block="user_results", users=users, search=search)


@bp.get("/users/<int:user_id>")
@login_required
@role_required("admin")
def show_user(user_id: int):
    user = db.get_or_404(User, user_id)
    return _user_page(user, RoleForm(role=user.role))


@bp.post("/users/<int:user_id>/role")
@login_required
@role_required("admin")
def update_user_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            change = admin.change_role(current_user, user, form.role.data)
        except admin.AdminError as error:
            form.role.errors.append(str(error))
        else:
            if change.changed:
                flash(f"{user.display_name} is now {_a(user.role)}.", "success")
            else:
                flash(f"{user.display_name} was already {_a(user.role)}.", "info")
            return redirect(url_for("admin.show_user", user_id=user.id), 303)
    return _user_page(user, form, status=422)


@bp.get("/logins")
@login_required
@role_required("admin")
def list_logins():
    failures_only = request.args.get("failed") == "1"
    events = audit.recent_logins(failures_only=failures_only)
    return render_view("admin/logins.html", events=events, failures_only=failures_only)


@bp.get("/jobs")
@login_required
@role_required("admin")
def list_jobs():
    return render_view("admin/jobs.html", overview=admin.jobs_overview(), form=RetryForm())


@bp.post("/jobs/events/<int:event_id>/retry")
@login_required
@role_required("admin")
def retry_event(event_id: int):
    db.get_or_404(OutboxEvent, event_id)
    if RetryForm().validate_on_submit():
        if events.retry(event_id):
            flash(f"Event #{event_id} is queued again.", "success")
        else:
            flash(f"Event #{event_id} isn't failed any more: nothing to retry.", "info")
    return redirect(url_for("admin.list_jobs"), 303)


@bp.post("/jobs/<any(default, media, ai, reminders):queue>/<job_id>/retry")
@login_required
@role_required("admin")
def retry_job(queue: str, job_id: str):
    if RetryForm().validate_on_submit():
        try:
            retried = admin.retry_job(queue, job_id)
        except LookupError:
            abort(404)
        if retried:
            flash(f"Job {job_id} is back on the {queue} queue.", "success")
        else:
            flash(f"Job {job_id} isn't in the failed list any more: nothing to retry.", "info")
    return redirect(url_for("admin.list_jobs"), 303)


def _user_page(user: User, form: RoleForm, status: int = 200):
    logins = audit.recent_logins(user_id=user.id, limit=USER_LOGINS_SHOWN)
    return render_view("admin/user.html", status=status, user=user, form=form, logins=logins)


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"
