"""The Web Push endpoints (/push/key, /push/subscriptions), the profile page's section for
this device, and a message sent through the chat page reaching the recipient's device."""

import re

import pytest
from sqlalchemy import func, select

from app.models import PushSubscription
from app.services import social
from tests.conftest import form_client_id, login, make_athlete, make_user
from tests.push_service import Browser, run_queued_pushes

CHROME = "Mozilla/5.0 (Linux; Android 15) Chrome/140.0 Mobile"


@pytest.fixture
def push_client(app_factory, db, vapid):
    """A client of an app with push on (the CSRF check off, as for the rest of the suite)."""
    return app_factory(**vapid).test_client()


def rows(db) -> list[PushSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(select(PushSubscription)))


def signed_in(client, **overrides):
    user = make_athlete(**overrides)
    login(client, user.email)
    return user


def subscribe(client, data, **headers):
    return client.post("/push/subscriptions", json=data, headers={"User-Agent": CHROME, **headers})


def test_the_key_is_served_when_push_is_on_and_404_when_off(client, push_client, vapid):
    on = push_client.get("/push/key")
    assert on.status_code == 200 and on.json == {"public_key": vapid["VAPID_PUBLIC_KEY"]}
    off = client.get("/push/key")
    assert off.status_code == 404 and "off" in off.json["error"]


def test_changing_subscriptions_needs_sign_in(push_client, db):
    subscription = Browser().subscription("https://push.example/x")
    for url, body in [
        ("/push/subscriptions", subscription),
        ("/push/subscriptions/delete", {"endpoint": "x"}),
    ]:
        response = push_client.post(url, json=body)
        assert response.status_code == 401 and response.json["error"].startswith("Sign in")
    assert rows(db) == []


def test_subscribing_twice_keeps_one_row_for_the_device(push_client, db):
    user = signed_in(push_client)
    subscription = Browser().subscription("https://push.example/wpush/abc")

    first = subscribe(push_client, subscription)
    again = subscribe(push_client, subscription)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json == {"endpoint": "https://push.example/wpush/abc", "subscribed": True}
    [row] = rows(db)
    assert (row.user_id, row.user_agent) == (user.id, CHROME)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ('{"endpoint": ', "application/json", "JSON object"),
        ("endpoint=https://push.example/x", "application/x-www-form-urlencoded", "JSON object"),
        ('{"endpoint": "https://push.example/x"}', "application/json", "keys"),
        ('{"endpoint": "javascript:alert(1)", "keys": {}}', "application/json", "https"),
        (
            '{"endpoint": "https://push.example/x", "keys": {"p256dh": "AAAA", "auth": "AAAA"}}',
            "application/json",
            "P-256",
        ),
    ],
)
def test_bad_input_is_a_400_that_says_why(push_client, db, body, content_type, message):
    signed_in(push_client)
    response = push_client.post("/push/subscriptions", data=body, content_type=content_type)
    assert response.status_code == 400
    assert message in response.json["error"]
    assert rows(db) == []


def test_subscribing_while_push_is_off_is_a_clear_404(client, db):
    signed_in(client)
    response = subscribe(client, Browser().subscription("https://push.example/x"))
    assert response.status_code == 404 and "off" in response.json["error"]
    assert rows(db) == []


def test_unsubscribing_removes_only_ones_own_device(push_client, app_factory, vapid, db):
    endpoint = "https://push.example/wpush/mine"
    signed_in(push_client)
    subscribe(push_client, Browser().subscription(endpoint))
    stranger = app_factory(**vapid).test_client()
    signed_in(stranger)

    assert stranger.post("/push/subscriptions/delete", json={"endpoint": endpoint}).json == {
        "removed": False
    }
    assert len(rows(db)) == 1
    assert push_client.post("/push/subscriptions/delete", json={"endpoint": endpoint}).json == {
        "removed": True
    }
    assert push_client.post("/push/subscriptions/delete", json={"endpoint": endpoint}).json == {
        "removed": False
    }
    bad = push_client.post("/push/subscriptions/delete", json=["nope"])
    assert bad.status_code == 400 and "endpoint" in bad.json["error"]
    assert rows(db) == []


def test_the_csrf_token_goes_in_the_x_csrftoken_header(app_factory, vapid, db):
    client = app_factory(WTF_CSRF_ENABLED=True, **vapid).test_client()
    user = make_athlete()
    page = client.get("/auth/sign-in").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    client.post(
        "/auth/sign-in",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    page = client.get("/notifications").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    subscription = Browser().subscription("https://push.example/x")

    refused = subscribe(client, subscription)
    accepted = subscribe(client, subscription, **{"X-CSRFToken": token})

    assert refused.status_code == 400 and "reload" in refused.json["error"]
    assert accepted.status_code == 201


def test_the_profile_page_offers_push_for_this_device_only_when_it_is_on(client, push_client, db):
    from tests.services.test_training import onboarded_athlete

    user = onboarded_athlete()
    login(client, user.email)
    login(push_client, user.email)

    off = client.get("/profile").get_data(as_text=True)
    assert "Notifications on this device" in off and "off on this server" in off
    assert "js/push.js" not in off and "data-push-settings" not in off

    on = push_client.get("/profile").get_data(as_text=True)
    assert "Notifications on this device" in on and "off on this server" not in on
    assert re.search(r'<script src="[^"]*/js/push\.js[^"]*" defer></script>', on)
    assert 'data-key-url="/push/key"' in on
    assert 'data-subscribe-url="/push/subscriptions"' in on
    assert 'data-unsubscribe-url="/push/subscriptions/delete"' in on
    assert re.search(r"<div data-push-actions hidden>", on)  # shown by push.js where supported


def test_a_message_sent_from_the_chat_reaches_the_recipients_device_only(
    app_factory, vapid, db, push_service
):
    app = app_factory(**vapid)
    coach = make_user(role="coach", display_name="Dana Reyes")
    athlete = make_athlete(display_name="Sam Okafor")
    social.link_coach(coach, athlete)
    coach_browser, athlete_browser = Browser(), Browser()
    coach_endpoint, athlete_endpoint = push_service.endpoint(), push_service.endpoint()
    for user, browser, endpoint in [
        (coach, coach_browser, coach_endpoint),
        (athlete, athlete_browser, athlete_endpoint),
    ]:
        client = app.test_client()
        login(client, user.email)
        assert subscribe(client, browser.subscription(endpoint)).status_code == 201

    chat_url = client.post(f"/messages/with/{coach.id}").headers["Location"]  # the athlete
    client_id = form_client_id(client.get(chat_url).get_data(as_text=True))
    assert (
        client.post(chat_url, data={"client_id": client_id, "body": "Opener 200 kg?"}).status_code
        == 303
    )
    with app.app_context():
        run_queued_pushes()

    assert push_service.to(athlete_endpoint) == []
    [message] = push_service.to(coach_endpoint)
    assert coach_browser.read(message.body) == {
        "title": "Sam Okafor",
        "body": "Opener 200 kg?",
        "url": chat_url.removeprefix("http://localhost"),
        "tag": f"conversation-{chat_url.rstrip('/').rsplit('/', 1)[1]}",
    }
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 2
