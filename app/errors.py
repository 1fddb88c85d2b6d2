"""Error pages: every error is a page a person can act on, never a stack trace."""

from __future__ import annotations

import json

from flask import Flask, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.hypermedia import render_view

MESSAGES = {
    400: ("That request didn't make sense", "Something in it was missing or malformed."),
    403: ("Not yours to see", "You don't have access to this page."),
    404: ("Nothing here", "This page doesn't exist or was moved."),
    405: ("Not allowed", "That action isn't available here."),
    413: ("Too large", "That upload is bigger than we accept."),
    429: ("Slow down", "Too many attempts. Wait a minute and try again."),
    500: ("Something broke on our side", "We've logged it. Try again in a moment."),
}


def _api_path() -> bool:
    return request.path.startswith("/api/")


def _as_json(error: HTTPException):
    """An error under /api/ in the JSON API's shape, ``{"error": "..."}``, keeping the
    error's headers (Allow, WWW-Authenticate, Retry-After ...)."""
    response = error.get_response()
    response.set_data(json.dumps({"error": error.description or error.name}))
    response.mimetype = "application/json"
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_view(
            "errors/error.html",
            status=400,
            title="This form expired",
            message="Reload the page and submit it again; nothing was saved.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if _api_path():
            return _as_json(error)
        title, message = MESSAGES.get(code, (error.name, error.description))
        return render_view("errors/error.html", status=code, title=title, message=message)

    @app.errorhandler(500)
    def server_error(error):
        title, message = MESSAGES[500]
        if _api_path():
            return jsonify(error=message), 500
        return render_view("errors/error.html", status=500, title=title, message=message)
