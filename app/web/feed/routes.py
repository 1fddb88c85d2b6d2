"""The feed of lift videos (posts arrive with the media issue)."""

from flask_login import login_required

from app.hypermedia import render_view
from app.web.feed import bp


@bp.get("")
@login_required
def index():
    return render_view("feed/index.html")
