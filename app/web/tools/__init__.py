from flask import Blueprint

bp = Blueprint("tools", __name__, url_prefix="/tools")

from app.web.tools import routes  # noqa: E402,F401
