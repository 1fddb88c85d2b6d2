"""Gym tools (the plate calculator and calculators arrive with the tools issue)."""

from flask_login import login_required

from app.hypermedia import render_view
from app.web.tools import bp


@bp.get("")
@login_required
def index():
    return render_view("tools/index.html")
