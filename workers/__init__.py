"""RQ job entry points. A job runs inside the current app when there is one (jobs run
in-process without Redis), else in an app built once per worker process, lazily."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache

from flask import has_app_context


@cache
def _app():
    from app import create_app

    return create_app()


@contextmanager
def app_context():
    """An application context for a job; a worker's session is removed afterwards."""
    if has_app_context():
        yield
        return
    from app.extensions import db

    with _app().app_context():
        try:
            yield
        finally:
            db.session.remove()
