from flask import Blueprint

bp = Blueprint("tools", __name__, url_prefix="/tools")

from app.domain.plates import plate_look  # noqa: E402
from app.web.tools import calculators, machines, routes  # noqa: E402,F401

bp.add_app_template_global(plate_look)
