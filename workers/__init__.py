"""RQ job entry points. Each job builds the app once per worker process, lazily (not at import)."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache


@cache
def _app():
    from app import create_app

    return create_app()


@contextmanager
def app_context():
    """An application context of this worker's app; the session is removed afterwards."""
    from app.extensions import db

    with _app().app_context():
        try:
            yield
        finally:
            db.session.remove()
