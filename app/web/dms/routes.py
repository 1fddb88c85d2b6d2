"""Direct messages (conversations arrive with the messaging issue)."""

from flask_login import login_required

from app.hypermedia import render_view
from app.web.dms import bp


@bp.get("")
@login_required
def index():
    return render_view("dms/index.html")
