from flask import Blueprint

bp = Blueprint("planner", __name__, url_prefix="/planner")

from app.web.planner import history, routes  # noqa: E402,F401
