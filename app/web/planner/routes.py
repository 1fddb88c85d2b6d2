"""The plan: countdown to the meet and today's session."""

from flask_login import current_user, login_required

from app.hypermedia import render_view
from app.services import profiles
from app.web.onboarding.forms import local_today
from app.web.planner import bp


@bp.get("")
@login_required
def index():
    profile = profiles.profile_of(current_user)
    return render_view(
        "planner/index.html", profile=profile, today=local_today(current_user.time_zone)
    )
