from flask import Blueprint

bp = Blueprint("feed", __name__, url_prefix="/feed")

from app.web.feed import routes  # noqa: E402,F401
