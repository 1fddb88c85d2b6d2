from flask import Blueprint

bp = Blueprint("coach", __name__, url_prefix="/coach")

from app.web.coach import routes  # noqa: E402,F401
