"""Admin pages (role admin only)."""

from __future__ import annotations

from flask_login import login_required

from app.hypermedia import render_view
from app.web.access import role_required
from app.web.admin import bp


@bp.get("")
@login_required
@role_required("admin")
def index():
    return render_view("admin/index.html")
