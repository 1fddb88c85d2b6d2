"""API tokens: made on the profile page and shown once, stored only as a digest, revoked there;
how the API answers without one, with a revoked or read-only one, and with only a session
cookie; per-token rate limits."""

from __future__ import annotations

import hashlib
import os
import re
import uuid

import pytest
from sqlalchemy import select

from app.models import ApiToken
from app.services import api_tokens
from tests.conftest import login, make_athlete, make_user
from tests.services.test_training import onboarded_athlete


def token_for(user, scopes: str = "read write") -> str:
    return api_tokens.create_token(user, "script", scopes, str(uuid.uuid4())).secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def make_token_on_page(client, name="Spreadsheet", scopes="read write", client_id=None, **headers):
    return client.post(
        "/profile/api-tokens",
        data={"client_id": client_id or str(uuid.uuid4()), "name": name, "scopes": scopes},
        headers=headers,
    )


def shown_secret(html: str) -> str | None:
    match = re.search(r'id="api-token-secret" type="text" readonly [^>]*value="(md_[^"]+)"', html)
    return match.group(1) if match else None


def test_profile_page_has_the_api_tokens_section(client, db):
    login(client, onboarded_athlete().email)
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="api-tokens"' in page and "Make a token" in page
    assert 'href="/api/v1/openapi.json"' in page


def test_a_token_is_shown_once_and_stored_only_as_a_digest(client, db):
    user = onboarded_athlete()
    login(client, user.email)
    response = make_token_on_page(client)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = shown_secret(page)
    assert secret and len(secret) == 46 and "won't be shown again" in page
    [token] = db.session.scalars(select(ApiToken)).all()
    assert token.user_id == user.id and token.name == "Spreadsheet" and token.can_write
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10]
    stored = [str(getattr(token, c.key)) for c in ApiToken.__table__.columns]
    assert not any(secret in value for value in stored)  # the database never holds it
    again = client.get("/profile").get_data(as_text=True)
    assert secret not in again and token.prefix in again and "never used" in again
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_an_htmx_post_gets_the_section_alone(client, db):
    login(client, onboarded_athlete().email)
    response = make_token_on_page(client, scopes="read", **{"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 201 and html.lstrip().startswith("<section")
    assert shown_secret(html) and "<html" not in html


def test_a_double_submitted_token_form_makes_one_token_and_shows_no_second_secret(client, db):
    login(client, onboarded_athlete().email)
    client_id = str(uuid.uuid4())
    first = make_token_on_page(client, client_id=client_id)
    second = make_token_on_page(client, client_id=client_id)
    assert first.status_code == 201 and second.status_code == 200
    assert shown_secret(second.get_data(as_text=True)) is None
    assert "already made" in second.get_data(as_text=True)
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


@pytest.mark.parametrize(
    ("name", "scopes", "message"),
    [
        ("", "read", "Name the token"),
        ("x" * 81, "read", "80 characters or fewer"),
        ("Script", "admin", "Not a valid choice"),
    ],
)
def test_a_bad_token_form_is_answered_at_the_field(client, db, name, scopes, message):
    login(client, onboarded_athlete().email)
    response = make_token_on_page(client, name=name, scopes=scopes)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_revoking_on_the_page_locks_the_token_out_at_once(client, db):
    user = onboarded_athlete()
    secret = token_for(user)
    token = db.session.scalar(select(ApiToken))
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    login(client, user.email)
    response = client.post(f"/profile/api-tokens/{token.id}/revoke")
    assert response.status_code == 303
    db.session.refresh(token)
    assert token.revoked_at is not None
    answer = client.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 401 and "error" in answer.get_json()
    page = client.get("/profile").get_data(as_text=True)
    assert "revoked" in page and "Revoke script" not in page
    # revoking again changes nothing; someone else's token is not found
    assert client.post(f"/profile/api-tokens/{token.id}/revoke").status_code == 303
    other = token_for(make_athlete())
    other_id = db.session.scalar(select(ApiToken.id).filter(ApiToken.id != token.id))
    assert client.post(f"/profile/api-tokens/{other_id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer md_not-a-real-token",
        "Basic dXNlcjpwYXNz",
        "md_abc",
        "Bearer " + "x" * 500,
    ],
)
def test_requests_without_a_live_token_get_401_json(client, db, authorization):
    onboarded_athlete()
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert "API token" in response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_read_token_reads_but_gets_403_on_every_write(client, db):
    user = onboarded_athlete()
    headers = bearer(token_for(user, "read"))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    writes = [
        "/api/v1/workouts",
        "/api/v1/meets",
        "/api/v1/machine-notes",
        "/api/v1/workouts/1/sets",
    ]
    for path in writes:
        response = client.post(path, json={}, headers=headers)
        assert response.status_code == 403, path
        assert "only read" in response.get_json()["error"]


def test_using_a_token_notes_when_it_was_last_used(client, db):
    user = onboarded_athlete()
    secret = token_for(user)
    assert db.session.scalar(select(ApiToken)).last_used_at is None
    client.get("/api/v1/me", headers=bearer(secret))
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


@pytest.fixture
def csrf_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True)


def test_a_session_cookie_never_signs_an_api_request_in(csrf_app, db):
    """A browser signed in to Meetday (a page on another site could make it send requests)
    gets 401 from the API: writes need a token, which no cookie carries."""
    user = onboarded_athlete()
    client = csrf_app.test_client()
    page = client.get("/auth/sign-in").get_data(as_text=True)
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    signed_in = client.post(
        "/auth/sign-in",
        data={"email": user.email, "password": "correct horse battery"},
        headers={"X-CSRFToken": csrf},
    )
    assert signed_in.status_code == 303
    assert client.get("/planner").status_code == 200  # the cookie works for pages
    assert client.get("/api/v1/me").status_code == 401
    response = client.post(
        "/api/v1/workouts", json={"title": "Forged"}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 401
    # the same app takes a token-signed write with no CSRF token at all
    fresh = csrf_app.test_client()
    answer = fresh.post(
        "/api/v1/workouts", json={"title": "Scripted"}, headers=bearer(token_for(user))
    )
    assert answer.status_code == 201


@pytest.fixture(params=["memory", "redis"])
def api_limited(request, app_factory):
    """An app counting API requests in memory, or in Redis as production does (with
    TEST_REDIS_URL), 3 a minute. The limiter is one instance: reset and off again after."""
    from app.extensions import limiter

    storage = "memory://" if request.param == "memory" else os.environ.get("TEST_REDIS_URL")
    if not storage:
        pytest.skip("TEST_REDIS_URL is not set: no Redis to count in")
    app = app_factory(
        RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, API_RATE_LIMIT="3 per minute"
    )
    limiter.reset()  # counts a previous run left in Redis
    yield app
    limiter.reset()
    limiter.enabled = False


def test_api_requests_are_rate_limited_per_token(api_limited, db):
    client = api_limited.test_client()
    user = onboarded_athlete()
    first, second = bearer(token_for(user)), bearer(token_for(user))
    answers = [client.get("/api/v1/me", headers=first).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/me", headers=first)
    assert limited.mimetype == "application/json" and "error" in limited.get_json()
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get("/api/v1/me", headers=second).status_code == 200  # its own allowance


def test_a_coach_without_an_athlete_profile_makes_tokens_on_the_account_page(client, db):
    coach = make_user(role="coach")
    login(client, coach.email)
    assert 'id="api-tokens"' in client.get("/profile").get_data(as_text=True)
    response = make_token_on_page(client, name="Roster export", scopes="read")
    assert response.status_code == 201 and shown_secret(response.get_data(as_text=True))
    me = client.get("/api/v1/me", headers=bearer(shown_secret(response.get_data(as_text=True))))
    assert me.get_json()["role"] == "coach" and me.get_json()["profile"] is None


def test_an_athlete_still_onboarding_gets_no_token(client, db):
    login(client, make_user().email)
    response = make_token_on_page(client)
    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    assert db.session.scalars(select(ApiToken)).all() == []
