"""Admin pages (role admin only): users and their roles, the sign-in audit, and links to the
AI coach's back office."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.hypermedia import render_view
from app.models import User
from app.services import admin, audit
from app.web.access import role_required
from app.web.admin import bp
from app.web.admin.forms import RoleForm

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


def _user_page(user: User, form: RoleForm, status: int = 200):
    logins = audit.recent_logins(user_id=user.id, limit=USER_LOGINS_SHOWN)
    return render_view("admin/user.html", status=status, user=user, form=form, logins=logins)


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"
