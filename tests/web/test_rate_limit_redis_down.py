"""Rate limits while their Redis is down: counted in the process's memory, same limits.

Production keeps Flask-Limiter's counters in Redis (RATELIMIT_STORAGE_URI = REDIS_URL). Without
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED every rate-limited request (sign-in, sign-up, the JSON
API) answered 500 while Redis was down (tests/faults/test_redis_outage.py drives that through
gunicorn). Here the storage is a Redis URL nobody listens on: no server needed.
"""

from __future__ import annotations

import socket
import uuid

import pytest

from app import config
from app.extensions import limiter
from app.services import api_tokens
from tests.conftest import login, make_athlete, make_user


def closed_port() -> int:
    """A TCP port nothing listens on (the kernel's pick, released again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(app_factory):
    """An app whose rate limits are kept in a Redis that refuses connections. The limiter is
    one instance for every app: off again afterwards, and its 'storage dead' flag cleared."""
    app = app_factory(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port()}/0",
        API_RATE_LIMIT="3 per minute",
    )
    yield app
    limiter.enabled = False
    limiter._storage_dead = False  # no public way to say "the storage is back"


def test_production_settings_fall_back_to_memory(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "not-secret")
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    settings = config.load(str(tmp_path), {"MEETDAY_ENV": "production"})
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://redis.internal:6379/0"
    assert settings["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    assert not settings.get("RATELIMIT_SWALLOW_ERRORS")  # limits still apply, in memory


def test_sign_in_works_and_stays_limited_when_redis_is_down(redis_down, db):
    client = redis_down.test_client()
    make_user("ana@example.com")
    assert login(client, "ana@example.com").status_code == 303
    client.post("/auth/sign-out")
    answers = [login(client, "ana@example.com", f"wrong guess {n}").status_code for n in range(10)]
    assert answers == [422] * 9 + [429]  # 10 a minute, the first sign-in counted too
    assert client.get("/auth/sign-in").status_code == 200  # only posts are limited


def test_the_api_answers_and_stays_limited_when_redis_is_down(redis_down, db):
    client = redis_down.test_client()
    user = make_athlete()
    secret = api_tokens.create_token(user, "phone", "read", str(uuid.uuid4())).secret
    headers = {"Authorization": f"Bearer {secret}"}
    answers = [client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
