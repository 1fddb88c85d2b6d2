"""The bell: in-app notifications (meet reminders now; messages later)."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from app import jobs
from app.extensions import db
from app.hypermedia import render_view
from app.models import Notification
from app.models.types import utcnow
from app.services import reminders
from app.web.notifications import bp


@bp.get("")
@login_required
def index():
    if jobs.in_process():
        if reminders.deliver_due(current_user):  # no worker on a laptop: deliver what is due
            db.session.expire(current_user._get_current_object(), ["unread_notifications"])
    items = db.session.scalars(
        select(Notification)
        .filter_by(user_id=current_user.id)
        .order_by(Notification.created_at.desc())
        .limit(50)
    ).all()
    return render_view("notifications/index.html", items=items)


@bp.post("/read")
@login_required
def mark_read():
    db.session.execute(
        update(Notification)
        .filter_by(user_id=current_user.id, read_at=None)
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("notifications.index"), 303)


def unread_count() -> int:
    """The bell's count: counted when the user was loaded, else one query."""
    if not current_user.is_authenticated:
        return 0
    if current_user.unread_notifications is not None:
        return current_user.unread_notifications
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .filter_by(user_id=current_user.id, read_at=None)
    )


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"unread_notifications": unread_count})
