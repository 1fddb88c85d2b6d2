"""Per-object access in one place: load a row the current user owns, or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.extensions import db


def owned_or_404(model, object_id: int):
    """The ``model`` row with ``object_id`` if it belongs to the signed-in user, else 404.

    404 rather than 403 so ids of other people's rows reveal nothing.
    """
    row = db.session.get(model, object_id)
    if row is None or row.user_id != current_user.id:
        abort(404)
    return row


def plan_session_or_404(session_id: int):
    """A session of one of the signed-in user's plans, else 404."""
    from app.models import PlanSession

    session = db.session.get(PlanSession, session_id)
    if session is None or session.plan.user_id != current_user.id:
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
