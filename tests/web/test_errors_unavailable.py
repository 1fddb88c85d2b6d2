"""A database that is down or restarting: every request answers a clean 503 with
Retry-After (a page, or JSON under /api/), never a 500, and signs nobody out.

The app here points at a PostgreSQL port nothing listens on, so each query fails as it
would mid-restart (tests/faults/ restarts a real server during a burst of requests).
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app.extensions import db

NOBODY_LISTENS = "postgresql+psycopg://postgres@127.0.0.1:1/meetday"
TITLE, MESSAGE = "Meetday is briefly unavailable", "Nothing was saved; try again in a moment."
READ_MESSAGE = "Try again in a moment."  # a page view: nothing to save


@pytest.fixture
def down(app_factory):
    """A test client of an app whose database refuses every connection."""
    return app_factory(NOBODY_LISTENS).test_client()


def signed_in(client, user_id: int = 42):
    """Flask-Login's session keys, written without a database."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
    return client


def test_a_page_answers_503_with_retry_after_when_the_database_is_down(down):
    response = signed_in(down).get("/planner")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert TITLE in html and READ_MESSAGE in html and "Nothing was saved" not in html
    assert "Traceback" not in html and "psycopg" not in html
    # the shell reads nothing from the database: no name, no bell, and no "Sign in" either
    # (the visitor is still signed in)
    assert "Sign in" not in html and "Sign out" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_write_answers_503_and_keeps_the_session(down):
    client = signed_in(down)
    response = client.post(
        "/planner/meets/new", data={"name": "Nationals", "meet_date": "2030-06-01"}
    )
    assert response.status_code == 503
    assert MESSAGE in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert session["_user_id"] == "42"  # still signed in once the database is back


def test_an_htmx_request_gets_the_503_too(down):
    response = signed_in(down).post(
        "/planner/workouts/1/sets", headers={"HX-Request": "true"}, data={"load": "100"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_the_api_answers_503_as_json(down):
    response = down.post(
        "/api/v1/workouts",
        json={"title": "Squat day"},
        headers={"Authorization": "Bearer md_not-checked-the-database-is-down"},
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.is_json
    assert response.get_json() == {"error": f"{TITLE}. {MESSAGE}"}


def test_pages_without_the_database_still_answer(down):
    assert down.get("/healthz").status_code == 200
    assert down.get("/readyz").status_code == 503  # says what failed, in its own shape
    assert "checks" in down.get("/readyz").get_json()


def test_a_failing_session_close_in_teardown_is_not_a_500(app, monkeypatch):
    """A connection the database dropped can fail its rollback when the session is closed
    after the response is made; that is logged, and the answer stands."""
    real_remove = db.session.remove
    failures = []

    def remove_once():
        if not failures:
            failures.append(True)
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))
        real_remove()

    monkeypatch.setattr(db.session, "remove", remove_once)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert failures == [True]


def test_the_pool_tests_connections_before_use(app):
    """What brings the app back by itself after a database restart: a pooled connection the
    restart closed is replaced at checkout instead of failing the request."""
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_a_database_error_that_is_a_bug_stays_a_500(app_factory, db):
    """Only an outage is a 503: a statement the database rejects (here a missing table,
    SQLSTATE 42P01 on PostgreSQL, "no such table" on SQLite) is our bug, logged as one."""
    from sqlalchemy import text

    from app.errors import is_outage

    app = app_factory()

    @app.get("/test-broken-query")
    def broken_query():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/test-broken-query")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    refused = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
    assert is_outage(refused)  # no SQLSTATE: no server answered
