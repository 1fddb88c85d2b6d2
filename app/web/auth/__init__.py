from flask import Blueprint
from sqlalchemy.orm import joinedload

from app.extensions import db, login_manager
from app.models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    # The profile comes in the same query: every page asks whether onboarding is done.
    return db.session.get(User, int(user_id), options=[joinedload(User.profile)])


from app.web.auth import routes  # noqa: E402,F401
