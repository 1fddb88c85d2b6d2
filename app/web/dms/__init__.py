from flask import Blueprint

bp = Blueprint("dms", __name__, url_prefix="/messages")

from app.web.dms import routes  # noqa: E402,F401
