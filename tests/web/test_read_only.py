"""Read-only pages (app/readonly.py) query PostgreSQL without BEGIN/ROLLBACK, and a write
attempted in one is refused instead of committing statement by statement."""

import pytest
from sqlalchemy import event

from app.extensions import db as _db
from app.models import Notification
from app.readonly import ReadOnlyRequestError, read_only
from tests.conftest import login, make_athlete


@pytest.fixture
def pg_app(app_factory, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("autocommit reads are a PostgreSQL optimisation")
    app = app_factory()

    @app.get("/test-read-only-write")
    @read_only
    def write_in_a_read_only_view():
        _db.session.add(Notification(user_id=1, dedupe_key="x", title="x", body="x", url="/"))
        _db.session.flush()
        return "written"

    return app


def test_read_only_pages_run_outside_a_transaction_and_others_inside(pg_app, db):
    user = make_athlete()
    with pg_app.app_context():
        engine = _db.engine
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))

    event.listen(engine, "before_cursor_execute", record)
    try:
        client = pg_app.test_client()  # no app context pushed: each request gets its own
        login(client, user.email)
        for path in ("/feed", "/feed?tab=discover", "/planner"):
            seen.clear()
            assert client.get(path).status_code in (200, 302), path
            assert seen and all(autocommit for _, autocommit in seen), (path, seen)
        seen.clear()
        assert client.get("/profile").status_code == 200  # not marked: a transaction
        assert seen and not any(autocommit for _, autocommit in seen)
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_write_in_a_read_only_page_is_refused(pg_app, db):
    user = make_athlete()
    client = pg_app.test_client()
    login(client, user.email)
    with pytest.raises(ReadOnlyRequestError, match="is @read_only but changed rows"):
        client.get("/test-read-only-write")
    db.session.expire_all()
    assert db.session.query(Notification).count() == 0
