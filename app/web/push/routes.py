"""Web Push endpoints for static/js/push.js: JSON in and out, errors as {"error": "..."}."""

from __future__ import annotations

from functools import wraps

from flask import jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import limiter
from app.services import push
from app.web.push import bp

OFF = "Push notifications are off on this server."


def _error(message: str, status: int):
    return jsonify(error=message), status


def signed_in(view):
    """Like login_required, but a script gets 401 JSON instead of a redirect to sign-in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _error("Sign in to change notifications.", 401)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/key")
def show_key():
    key = push.public_key()
    return jsonify(public_key=key) if key else _error(OFF, 404)


@bp.post("/subscriptions")
@signed_in
@limiter.limit("60 per hour", key_func=lambda: f"push:{current_user.get_id()}")
def create_subscription():
    if not push.enabled():
        return _error(OFF, 404)
    try:
        subscription, created = push.subscribe(
            current_user, request.get_json(silent=True), request.user_agent.string
        )
    except push.PushError as error:
        return _error(str(error), 400)
    return jsonify(endpoint=subscription.endpoint, subscribed=True), 201 if created else 200


@bp.post("/subscriptions/delete")
@signed_in
def delete_subscription():
    data = request.get_json(silent=True)
    try:
        removed = push.unsubscribe(
            current_user, data.get("endpoint") if isinstance(data, dict) else None
        )
    except push.PushError as error:
        return _error(str(error), 400)
    return jsonify(removed=removed)


@bp.errorhandler(CSRFError)
def csrf_error(error):
    return _error("This page expired: reload it and try again.", 400)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _error(error.description or error.name, error.code or 500)
