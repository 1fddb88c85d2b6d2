from flask import Blueprint

bp = Blueprint("ai", __name__, url_prefix="/ai")

from app.web.ai import routes  # noqa: E402,F401
