"""Fixtures: the app on the test database (PostgreSQL and Redis in CI), clients, factories.

TEST_DATABASE_URL / TEST_REDIS_URL point the suite at real servers; without them it runs on
a temporary SQLite file with jobs in-process. With CI set, missing servers fail the run.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db as _db

SHARED = Path(__file__).resolve().parents[2] / "shared"
IN_CI = bool(os.environ.get("CI"))


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if IN_CI:
        pytest.exit("CI needs TEST_DATABASE_URL (PostgreSQL); refusing to fall back to SQLite", 2)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


MEDIA_ROOT = None  # set once per session: tests never write under instance/


def make_app(db_url: str, **overrides):
    config = {
        "MEDIA_ROOT": MEDIA_ROOT,
        "UPLOAD_SCRATCH": MEDIA_ROOT and f"{MEDIA_ROOT}-scratch",
        "MEETDAY_ENV": "test",
        "SQLALCHEMY_DATABASE_URI": db_url,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL") or None,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,  # the suite signs in hundreds of times from 127.0.0.1
        "OIDC_ISSUER": None,
    }
    config.update(overrides)
    return create_app(config)


def reset_schema(app) -> None:
    """Drop everything and apply every migration, as a deploy's release phase would."""
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            _db.drop_all()
            with _db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """A throwaway media folder for the whole session (uploads, videos, posters)."""
    global MEDIA_ROOT
    MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    return MEDIA_ROOT


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    from app.config import database_url as normalise

    return normalise(database_url(tmp_path_factory), "")


def close_app(app) -> None:
    """Close the app's pooled database and Redis connections."""
    with app.app_context():
        _db.engine.dispose()
    app.extensions["redis"].close()


@pytest.fixture(scope="session")
def app(db_url):
    app = make_app(db_url)
    reset_schema(app)
    yield app
    close_app(app)


@pytest.fixture
def app_factory(db_url, app):
    """Build more apps on the test database with other settings; closed after the test."""
    made = []

    def build(database_url: str | None = None, **overrides):
        made.append(make_app(database_url or db_url, **overrides))
        return made[-1]

    yield build
    for extra in made:
        close_app(extra)


def truncate_all(app, attempts: int = 5) -> None:
    """Empty every table. An end-to-end test's browser may still have a request in flight
    (a poll, a prefetch) whose transaction deadlocks with TRUNCATE; PostgreSQL cancels one of
    the two, and when it is the TRUNCATE it is simply run again."""
    from sqlalchemy.exc import OperationalError

    with app.app_context():
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        for attempt in range(attempts):
            try:
                with _db.engine.begin() as conn:
                    if _db.engine.dialect.name == "postgresql":
                        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                    else:
                        for table in tables:
                            conn.execute(text(f"DELETE FROM {table}"))
                return
            except OperationalError as error:
                if "deadlock" not in str(error) or attempt == attempts - 1:
                    raise


@pytest.fixture
def rate_limited(app_factory):
    """An app with rate limits on (in memory). Flask-Limiter keeps 'enabled' on its one
    instance, so it is switched off again after the test for every other app."""
    from app.extensions import limiter

    yield app_factory(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    limiter.enabled = False


@pytest.fixture
def db(app):
    """The database inside an app context; every table is emptied after the test."""
    with app.app_context():
        yield _db
        _db.session.remove()
    truncate_all(app)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def htmx_client(app, db):
    client = app.test_client()
    client.environ_base["HTTP_HX_REQUEST"] = "true"
    return client


@pytest.fixture(scope="module")
def push_service():
    """A local Web Push service (tests/push_service.py) for the module's tests."""
    from tests.push_service import running_push_service

    with running_push_service() as service:
        yield service


@pytest.fixture
def vapid():
    """VAPID settings for an app with Web Push on."""
    from tests.push_service import vapid_settings

    return vapid_settings()


@pytest.fixture
def redis_url():
    """A real Redis (TEST_REDIS_URL) for tests of RQ itself, its database emptied before and
    after; skips without one, fails under CI."""
    from redis import Redis

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if IN_CI:
            pytest.fail("CI needs TEST_REDIS_URL for the RQ tests")
        pytest.skip("TEST_REDIS_URL not set: this test needs a real Redis")
    connection = Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()
    connection.close()


def make_user(email: str | None = None, password: str = "correct horse battery", **overrides):
    """A committed local account (athlete unless ``role`` is given)."""
    from app.services import accounts

    email = email or f"lifter-{uuid.uuid4().hex[:8]}@example.com"
    user = accounts.register(
        email,
        password,
        overrides.pop("display_name", "Test Lifter"),
        role=overrides.pop("role", "athlete"),
    )
    for name, value in overrides.items():
        setattr(user, name, value)
    _db.session.commit()
    return user


def make_athlete(email: str | None = None, **overrides):
    """A committed athlete who has finished onboarding (a profile marked complete)."""
    from app.models import AthleteProfile
    from app.models.types import utcnow

    user = make_user(email, **overrides)
    _db.session.add(AthleteProfile(user_id=user.id, completed_at=utcnow()))
    _db.session.commit()
    return user


def login(client, email: str, password: str = "correct horse battery"):
    return client.post("/auth/sign-in", data={"email": email, "password": password})


def shared_file(*parts: str) -> Path:
    """A file from ../shared; skips (or fails in CI) when the folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not here: ../shared (reference data) is absent"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def form_client_id(html: str) -> str:
    match = re.search(r'name="client_id" type="hidden" value="([0-9a-f-]{36})"', html)
    assert match, "form carries no client id"
    return match.group(1)
