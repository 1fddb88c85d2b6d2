from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from app.web.auth import routes  # noqa: E402,F401

from app.extensions import db, login_manager  # noqa: E402
from app.models import User  # noqa: E402

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
