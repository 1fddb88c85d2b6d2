"""Per-object access in one place: load a row the current user owns, or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db


def owned_or_404(model, object_id: int, user=None):
    """The ``model`` row with ``object_id`` if it belongs to ``user`` (default: the signed-in
    user; the API passes its token's user), else 404.

    404 rather than 403 so ids of other people's rows reveal nothing.
    """
    row = db.session.get(model, object_id)
    if row is None or row.user_id != (user or current_user).id:
        abort(404)
    return row


def plan_session_or_404(session_id: int, user=None):
    """A session of one of ``user``'s plans (default: the signed-in user's), else 404."""
    from app.models import PlanSession

    session = db.session.get(PlanSession, session_id)
    if session is None or session.plan.user_id != (user or current_user).id:
        abort(404)
    return session


def conversation_or_404(conversation_id: int):
    """A conversation the signed-in user is in, else 404 (strangers learn nothing)."""
    from app.models import Conversation

    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or not conversation.includes(current_user.id):
        abort(404)
    return conversation


def role_required(*roles: str):
    """A view only users with one of ``roles`` reach; everyone else gets 404 (the page's
    existence is nobody else's business). Use under @login_required."""
    import functools

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if current_user.role not in roles or current_user.is_system:
                abort(404)
            return view(*args, **kwargs)

        return guarded

    return decorate


# Who may call each endpoint ----------------------------------------------------------------
# One table for the whole app: tests/web/test_authorisation.py walks the URL map and checks
# every route against it, for every kind of caller, so a new route without a line here fails.
# The checks themselves stay where they run (login_required, role_required and the *_or_404
# loaders above); this says what they must add up to. Anyone outside the audience gets 404,
# never 403: an id of somebody else's row reveals nothing. Signed out, a page redirects to
# sign-in and htmx or JSON gets 401.

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any account; what it shows or changes is the caller's own
OWNER = "owner"  # the owner of every object named in the URL (with none named: any account)
PARTICIPANT = "participant"  # the two people in the conversation
VIEWER = "viewer"  # who may see the post or machine note (services.access, services.machines)
VIEWER_OR_SIGNED_OUT = "viewer_or_signed_out"  # VIEWER, and signed-out visitors for public posts
COACH_OF = "coach_of"  # the athlete's coach (an admin who doesn't coach them is a stranger)
STAFF = "staff"  # coaches and admins
ADMIN = "admin"
# The JSON API behind personal access tokens: the token's holder, for their own objects (404
# for anyone else's). A session cookie never signs an API request in, so every cookie caller,
# signed in or not, gets 401 (web/api/auth.py; tokens are covered by tests/web/test_api*.py).
TOKEN = "token"

AUDIENCES = (
    PUBLIC,
    SIGNED_IN,
    OWNER,
    PARTICIPANT,
    VIEWER,
    VIEWER_OR_SIGNED_OUT,
    COACH_OF,
    STAFF,
    ADMIN,
    TOKEN,
)

ENDPOINT_AUDIENCE: dict[str, str] = {
    # platform
    "static": PUBLIC,
    "ops.home": PUBLIC,
    "ops.manifest": PUBLIC,
    "ops.sw": PUBLIC,
    "ops.offline": PUBLIC,
    "ops.csrf_token": PUBLIC,
    "ops.healthz": PUBLIC,
    "ops.readyz": PUBLIC,
    # accounts
    "auth.sign_up": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.start_oidc": PUBLIC,
    "auth.oidc_callback": PUBLIC,
    "auth.sign_out": SIGNED_IN,
    "onboarding.show_profile": SIGNED_IN,
    "onboarding.show_step": SIGNED_IN,
    "onboarding.list_weight_classes": SIGNED_IN,
    "onboarding.list_api_tokens": SIGNED_IN,
    "onboarding.create_api_token": SIGNED_IN,
    "onboarding.revoke_api_token": OWNER,
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "push.show_key": PUBLIC,
    "push.create_subscription": SIGNED_IN,
    "push.delete_subscription": SIGNED_IN,
    # planner
    "planner.index": SIGNED_IN,
    "planner.show_history": SIGNED_IN,
    "planner.export_history": SIGNED_IN,
    "planner.show_progress": SIGNED_IN,
    "planner.edit_meet": OWNER,
    "planner.delete_meet": OWNER,
    "planner.regenerate_plan": OWNER,
    "planner.show_session": OWNER,
    "planner.session_workout": OWNER,
    "planner.start_workout": OWNER,
    "planner.create_session_set": OWNER,
    "planner.complete_session_workout": OWNER,
    "planner.show_workout": OWNER,
    "planner.create_set": OWNER,
    "planner.delete_set": OWNER,
    "planner.complete_workout": OWNER,
    "planner.show_summary": OWNER,
    # feed and media
    "feed.index": SIGNED_IN,
    "feed.show_athlete": SIGNED_IN,
    "feed.follow_athlete": SIGNED_IN,
    "feed.enter_passcode": SIGNED_IN,
    "feed.create_post": SIGNED_IN,
    "feed.show_post": VIEWER,
    "feed.show_card": VIEWER,
    "feed.toggle_like": VIEWER,
    "feed.create_comment": VIEWER,
    "feed.edit_comment": OWNER,
    "feed.delete_comment": OWNER,
    "media.show_media": VIEWER_OR_SIGNED_OUT,
    "media.tus_options": PUBLIC,
    "media.create_upload": SIGNED_IN,
    "media.upload_offset": OWNER,
    "media.append_upload": OWNER,
    # messages
    "dms.index": SIGNED_IN,
    "dms.start": SIGNED_IN,
    "dms.show": PARTICIPANT,
    "dms.live": PARTICIPANT,
    "dms.send": PARTICIPANT,
    "dms.pin": PARTICIPANT,
    "dms.unpin": PARTICIPANT,
    "dms.block": PARTICIPANT,
    # tools
    "tools.index": SIGNED_IN,
    "tools.plate_calculator": SIGNED_IN,
    "tools.show_calculators": SIGNED_IN,
    "tools.save_gym": SIGNED_IN,
    "tools.delete_gym": OWNER,
    "tools.list_machines": SIGNED_IN,
    "tools.search_machines": SIGNED_IN,
    "tools.create_machine": SIGNED_IN,
    "tools.show_machine": VIEWER,
    "tools.copy_machine": VIEWER,
    "tools.edit_machine": OWNER,
    "tools.delete_machine": OWNER,
    # coaching
    "coach.index": STAFF,
    "coach.create_invite": STAFF,
    "coach.revoke_invite": OWNER,  # the coach who made the invite
    "coach.join": SIGNED_IN,  # an athlete with the code
    "coach.leave": SIGNED_IN,
    "coach.show_athlete": COACH_OF,
    "coach.edit_session": COACH_OF,
    "ai.prompt_list": STAFF,
    "ai.edit_prompt": STAFF,
    "ai.exchanges": ADMIN,
    # admin
    "admin.index": ADMIN,
    "admin.list_users": ADMIN,
    "admin.show_user": ADMIN,
    "admin.update_user_role": ADMIN,
    "admin.list_logins": ADMIN,
    "admin.list_jobs": ADMIN,
    "admin.retry_event": ADMIN,
    "admin.retry_job": ADMIN,
    # public JSON API (DESIGN.md section 7)
    "api.calc_plates": PUBLIC,
    "api.calc_points": PUBLIC,
    "api.calc_e1rm": PUBLIC,
    "api.show_openapi": PUBLIC,
    # the athlete's JSON API (personal access tokens)
    "api.show_me": TOKEN,
    "api.list_meets": TOKEN,
    "api.create_meet": TOKEN,
    "api.show_meet": TOKEN,
    "api.show_plan": TOKEN,
    "api.list_workouts": TOKEN,
    "api.create_workout": TOKEN,
    "api.show_workout": TOKEN,
    "api.create_set": TOKEN,
    "api.complete_workout": TOKEN,
    "api.list_posts": TOKEN,
    "api.list_machine_notes": TOKEN,
    "api.create_machine_note": TOKEN,
    "api.export_json": TOKEN,
    "api.export_csv": TOKEN,
}


def audience(endpoint: str) -> str | None:
    """Who may call ``endpoint`` (one of AUDIENCES), or None for a route nobody has ruled on."""
    return ENDPOINT_AUDIENCE.get(endpoint)
