"""Read-only pages: a view marked @read_only runs its queries outside a transaction
(PostgreSQL autocommit), which saves the BEGIN and ROLLBACK round trips that would otherwise
wrap every page view; on the feed they were two of its five round trips to the database.

A snapshot across the page's queries is not needed for these pages (each query is consistent
on its own, and the next page view shows what changed). A write in such a request would
commit statement by statement, so it is refused: flushing changes or running INSERT, UPDATE
or DELETE through the session raises ReadOnlyRequestError, and the tests of these pages fail.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import db

SAFE_METHODS = ("GET", "HEAD")


class ReadOnlyRequestError(RuntimeError):
    """A view marked @read_only tried to write to the database."""


def read_only(view):
    """Mark ``view`` as only reading the database on GET and HEAD (put it next to the def:
    functools.wraps in the decorators above carries the mark outwards)."""
    view.read_only = True
    return view


def init_app(app: Flask) -> None:
    """Start read-only requests without a transaction (before any other before_request hook
    loads the user: call this before the blueprints are registered)."""

    @app.before_request
    def _begin_read_only():
        g.read_only = False  # g outlives a request where a test shares its app context
        if request.method not in SAFE_METHODS:
            return
        view = app.view_functions.get(request.endpoint)
        if (
            getattr(view, "read_only", False)
            and db.engine.dialect.name == "postgresql"
            and not db.session().in_transaction()  # a test's session shared with the request
        ):
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            g.read_only = True


def _in_read_only_request() -> bool:
    return has_request_context() and g.get("read_only", False)


@event.listens_for(Session, "before_flush")
def _refuse_flush(session, flush_context, instances) -> None:
    if _in_read_only_request() and (session.new or session.dirty or session.deleted):
        raise ReadOnlyRequestError(f"{request.endpoint} is @read_only but changed rows")


@event.listens_for(Session, "do_orm_execute")
def _refuse_dml(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and _in_read_only_request():
        raise ReadOnlyRequestError(f"{request.endpoint} is @read_only but ran a write")
