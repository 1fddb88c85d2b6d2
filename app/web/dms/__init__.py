from flask import Blueprint

bp = Blueprint("dms", __name__, url_prefix="/messages")

from app.web.dms import routes  # noqa: E402,F401


@bp.app_context_processor
def _unread_messages():
    from flask_login import current_user

    from app.services import messaging

    def unread_messages() -> int:
        return messaging.unread_total(current_user) if current_user.is_authenticated else 0

    return {"unread_messages": unread_messages}
