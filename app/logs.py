"""Logging: readable lines in development, one JSON object per line in production, and a
request id on every line logged while a request is handled (echoed as X-Request-ID)."""

from __future__ import annotations

import logging
import re
import sys
import uuid

from flask import Flask, has_request_context, request

HEADER = "X-Request-ID"
# What we take from the router or a client: Heroku's ids are UUIDs (20-200 characters
# allowed); anything else (too long, spaces, quotes, control characters) could forge or
# break log lines, so it is replaced by an id of our own.
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/@-]{7,199}")
NO_REQUEST = "-"
ENVIRON_KEY = "meetday.request_id"  # on the WSGI environ: one per request, whatever the context


def request_id() -> str:
    """The current request's id, or '-' outside a request."""
    if not has_request_context():
        return NO_REQUEST
    environ = request.environ
    if ENVIRON_KEY not in environ:
        incoming = request.headers.get(HEADER, "")
        environ[ENVIRON_KEY] = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    return environ[ENVIRON_KEY]


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (the formatters print it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def init_app(app: Flask) -> None:
    """Configure the root logger once, JSON when JSON_LOGS is true, and echo the request id."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if app.config["JSON_LOGS"]:
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)

    @app.before_request
    def _assign_request_id():
        request_id()  # decided first, so every line of this request carries the same id

    @app.after_request
    def _echo_request_id(response):
        response.headers[HEADER] = request_id()
        return response
