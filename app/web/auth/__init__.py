from flask import Blueprint
from sqlalchemy import Integer, bindparam, exists, func, select
from sqlalchemy.orm import with_expression

from app.extensions import db, login_manager
from app.models import AthleteProfile, Notification, User
from app.services import messaging

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def unauthorized():
    """Signed out (or the session expired): pages redirect to sign-in as usual; an htmx
    request (a poll, a swap) gets 401 with HX-Redirect, so htmx navigates the whole page
    instead of swapping the sign-in form into a fragment."""
    from flask import flash, redirect, request, url_for

    from app.extensions import htmx

    target = url_for(login_manager.login_view, next=request.full_path.rstrip("?"))
    if htmx and not htmx.boosted:
        return "", 401, {"HX-Redirect": target}
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(target)


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    return db.session.execute(_SIGNED_IN_USER, {"user_id": int(user_id)}).scalar_one_or_none()


# One query for what every page needs: the user, whether onboarding is done and the bell's
# and the Messages tab's unread counts (the profile itself loads when a page uses it). Built
# once: a statement is immutable and keeps its cache key, where building it on every request
# (as Session.get with these options did) cost more than running it.
_SIGNED_IN_USER = (
    select(User)
    .where(User.id == bindparam("user_id", type_=Integer))
    .options(
        with_expression(User.unread_messages, messaging.unread_messages(User.id)),
        with_expression(
            User.onboarded,
            exists().where(
                AthleteProfile.user_id == User.id, AthleteProfile.completed_at.is_not(None)
            ),
        ),
        with_expression(
            User.unread_notifications,
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == User.id, Notification.read_at.is_(None))
            .scalar_subquery(),
        ),
    )
)


from app.web.auth import routes  # noqa: E402,F401
