"""Local accounts: sign-up rules, sign-in, sign-out, cookies and CSRF."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.models import User
from tests.conftest import login, make_user


def sign_up(client, **fields):
    data = {
        "display_name": "Ana Lifter",
        "email": "ana@example.com",
        "password": "squat depth matters",
    }
    data.update(fields)
    return client.post("/auth/sign-up", data=data)


def user_count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_sign_up_creates_an_athlete_and_sends_them_to_onboarding(client, db):
    response = sign_up(client, email="  Ana@Example.COM ")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/profile/steps/1")
    user = db.session.scalar(select(User))
    assert (user.email, user.role) == ("ana@example.com", "athlete")
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"display_name": ""}, "Tell us what to call you."),
        ({"display_name": "x" * 10_000}, "Field cannot be longer than 80 characters."),
        ({"email": ""}, "Enter your email."),
        ({"email": "not-an-email"}, "Enter an email like name@example.com."),
        ({"email": "a" * 10_000 + "@example.com"}, "Field cannot be longer than 254 characters."),
        ({"password": ""}, "Choose a password."),
        ({"password": "short1"}, "Use at least 10 characters."),
        ({"password": "p" * 200}, "Use at most 128 characters."),
        ({"password": "password123"}, "too easy to guess"),
        ({"password": "aaaaaaaaaaaa"}, "too easy to guess"),
        (
            {"email": "longpassword@example.com", "password": "longpassword@example.com"},
            "can't be your email",
        ),
    ],
)
def test_sign_up_rejects_bad_input_next_to_the_field(client, db, fields, message):
    response = sign_up(client, **fields)
    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert user_count(db) == 0


def test_sign_up_twice_with_same_details_is_one_account(client, db):
    sign_up(client)
    client.post("/auth/sign-out")
    assert sign_up(client).status_code == 303
    assert user_count(db) == 1


def test_sign_up_with_a_taken_email_says_so(client, db):
    make_user("ana@example.com")
    response = sign_up(client, password="a different password")
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert user_count(db) == 1


def test_sign_in_with_a_wrong_password_is_refused_with_one_message(client, db):
    make_user("ana@example.com")
    response = login(client, "ana@example.com", "wrong password!")
    assert response.status_code == 422
    assert "don't match an account" in unescape(response.get_data(as_text=True))
    assert login(client, "nobody@example.com").status_code == 422


def test_sign_in_sets_hardened_cookies_and_remember_me(client, db):
    make_user("ana@example.com")
    response = client.post(
        "/auth/sign-in",
        data={"email": "ana@example.com", "password": "correct horse battery", "remember": "y"},
    )
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_honours_a_local_next_but_not_an_external_one(client, db):
    make_user("coach@example.com", role="coach")
    ok = client.post(
        "/auth/sign-in?next=/tools",
        data={"email": "coach@example.com", "password": "correct horse battery"},
    )
    assert ok.headers["Location"] == "/tools"
    client.post("/auth/sign-out")
    evil = client.post(
        "/auth/sign-in?next=//evil.example/",
        data={"email": "coach@example.com", "password": "correct horse battery"},
    )
    assert evil.headers["Location"] == "/planner"


def test_sign_out_ends_the_session(client, db):
    make_user("coach@example.com", role="coach")
    login(client, "coach@example.com")
    assert client.get("/planner").status_code == 200
    assert client.post("/auth/sign-out").status_code == 303
    assert client.get("/planner").status_code == 302


def test_pages_need_sign_in(client, db):
    for path in ("/planner", "/feed", "/messages", "/tools", "/profile"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]


@pytest.fixture
def csrf_client(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True).test_client()


def test_posts_without_a_csrf_token_are_refused(csrf_client):
    response = sign_up(csrf_client)
    assert response.status_code == 400
    assert "This form expired" in response.get_data(as_text=True)


def test_htmx_posts_carry_the_token_in_a_header(csrf_client, db):
    page = csrf_client.get("/auth/sign-up").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/auth/sign-up",
        data={"display_name": "Ana", "email": "ana@example.com", "password": "squat depth matters"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 303
    assert user_count(db) == 1


def test_sign_out_also_forgets_the_remember_me_cookie(client, db):
    make_user("ana@example.com")
    client.post(
        "/auth/sign-in",
        data={"email": "ana@example.com", "password": "correct horse battery", "remember": "y"},
    )
    response = client.post("/auth/sign-out")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/planner").status_code == 302


def test_guessing_passwords_is_rate_limited(rate_limited, db):
    client = rate_limited.test_client()
    make_user("ana@example.com")
    answers = [login(client, "ana@example.com", f"wrong guess {n}").status_code for n in range(11)]
    assert answers[:10] == [422] * 10 and answers[10] == 429
    assert "Too many attempts" in client.post("/auth/sign-in", data={}).get_data(as_text=True)
