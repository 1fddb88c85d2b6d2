"""Error pages: every error is a page a person can act on, never a stack trace."""

from __future__ import annotations

import json
import logging
import sqlite3

from flask import Flask, jsonify, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager
from app.hypermedia import render_view

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That request didn't make sense", "Something in it was missing or malformed."),
    403: ("Not yours to see", "You don't have access to this page."),
    404: ("Nothing here", "This page doesn't exist or was moved."),
    405: ("Not allowed", "That action isn't available here."),
    413: ("Too large", "That upload is bigger than we accept."),
    429: ("Slow down", "Too many attempts. Wait a minute and try again."),
    500: ("Something broke on our side", "We've logged it. Try again in a moment."),
}
# The database is down, restarting or out of connections: a moment later the same request
# works (the pool's pre-ping replaces dead connections), so it is a 503, not a 500.
DATABASE_UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # no pooled connection free in time
)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE = ("Meetday is briefly unavailable", "Nothing was saved; try again in a moment.")
UNAVAILABLE_READ = "Try again in a moment."  # a page view: there was nothing to save


def _api_path() -> bool:
    return request.path.startswith("/api/")


# Werkzeug's default descriptions speak to a browser ("If you entered the URL manually ...");
# an API client gets these instead when the code gave no description of its own.
API_MESSAGES = {
    400: "Bad request: the request is malformed.",
    404: "Not found: no such object among yours, or no such URL.",
    405: "This method isn't allowed here (see Allow).",
    413: "The request body is too large.",
}


def _api_message(error: HTTPException) -> str:
    default = error.description == type(error).description
    if error.code == 429:  # Flask-Limiter's description is the limit, e.g. "600 per 1 minute"
        return f"Too many requests ({error.description}); wait and try again."
    if default and error.code in API_MESSAGES:
        return API_MESSAGES[error.code]
    return error.description or error.name


def _as_json(error: HTTPException):
    """An error under /api/ in the JSON API's shape, ``{"error": "..."}``, keeping the
    error's headers (Allow, WWW-Authenticate, Retry-After ...)."""
    response = error.get_response()
    response.set_data(json.dumps({"error": _api_message(error)}))
    response.mimetype = "application/json"
    return response


def _release_session() -> None:
    """Roll back and drop the request's session; its connection may be dead already, and a
    failure to say goodbye to it is no news."""
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        pass
    try:
        db.session.remove()
    except sa_exc.SQLAlchemyError:
        log.info("closing the session after a database error failed", exc_info=True)


# SQLSTATEs that mean "try again": connection exceptions (class 08), insufficient resources
# (53: too many connections, disk full), the server shutting down or starting (57P01-57P03),
# and transaction conflicts the database resolved by cancelling us (40001, 40P01).
TRANSIENT_SQLSTATE_CLASSES = ("08", "53")
TRANSIENT_SQLSTATES = ("57P01", "57P02", "57P03", "40001", "40P01")


def is_outage(error: Exception) -> bool:
    """True when ``error`` says the database can't serve us right now (down, restarting,
    full, a conflict it cancelled), False for a bug such as a missing column."""
    if isinstance(error, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if getattr(error, "connection_invalidated", False):
        return True
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None)
    if state:
        return state[:2] in TRANSIENT_SQLSTATE_CLASSES or state in TRANSIENT_SQLSTATES
    if isinstance(original, sqlite3.Error):
        return "locked" in str(original) or "busy" in str(original)
    # no SQLSTATE from psycopg: no server answered (refused, reset, closed)
    return isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError))


def _database_unavailable(error: Exception):
    """503 with Retry-After when the database is unavailable (is_outage), else the 500 page.
    The page is drawn for a signed-out visitor: the signed-in shell reads the user (name,
    unread counts) from the database that just failed."""
    if not is_outage(error):
        log.error("database error", exc_info=error)
        _release_session()
        login_manager._update_request_context_with_user()
        title, message = MESSAGES[500]
        if _api_path():
            return jsonify(error=message), 500
        return render_view("errors/error.html", status=500, title=title, message=message)
    first_line = str(error).partition("\n")[0]  # the driver's message, no SQL or parameters
    log.warning("database unavailable, answered 503: %s", first_line)
    _release_session()
    title, message = UNAVAILABLE
    if request.method in ("GET", "HEAD"):
        message = UNAVAILABLE_READ
    if _api_path():
        response = jsonify(error=f"{title}. {message}")
        response.status_code = 503
    else:
        # Flask-Login's own way to set g._login_user: anonymous for this response only, the
        # session (and so the sign-in) is untouched; the shell shows no account links, so a
        # signed-in visitor isn't told to sign in
        login_manager._update_request_context_with_user()
        response = render_view(
            "errors/error.html", status=503, title=title, message=message, hide_account=True
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, _database_unavailable)

    @app.teardown_appcontext
    def release_database(exc):
        """Runs before Flask-SQLAlchemy's own teardown (teardown functions run last one
        first) and does its job: closing a session whose connection the database dropped can
        raise, and an exception here, after the response is made, would become the server's
        bare 500. Flask-SQLAlchemy's teardown then finds nothing left to close."""
        try:
            db.session.remove()
        except sa_exc.SQLAlchemyError:
            log.warning("closing the database session failed", exc_info=True)

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
