"""Web Push against a local push service started here: the payload decrypted as a browser
would (RFC 8291, aes128gcm), the VAPID token verified (RFC 8292), gone subscriptions removed,
subscriptions per device, and pushes for new messages and meet reminders."""

import time

import pytest
from sqlalchemy import func, select

from app import jobs
from app.config import ConfigError
from app.extensions import db as _db
from app.models import Notification, OutboxEvent, PushSubscription, Reminder, User
from app.services import coach_ai, messaging, push, social
from tests.conftest import make_user
from tests.push_service import (
    Browser,
    b64url,
    decrypt,
    key_schedule,
    run_queued_pushes,
    unb64url,
    verify_vapid,
)


@pytest.fixture
def push_app(app_factory, db, vapid, push_service):
    """An app with push on, its context pushed for the test (the tables are emptied after)."""
    app = app_factory(**vapid)
    push_service.received.clear()
    with app.app_context():
        for name in ("default", "reminders"):
            jobs.queue(name).empty()
        yield app
        _db.session.remove()


def subscribed(user, push_service, status=None) -> tuple[Browser, str]:
    browser = Browser()
    endpoint = push_service.endpoint(status)
    push.subscribe(user, browser.subscription(endpoint), "Firefox on Android")
    return browser, endpoint


def subscription_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PushSubscription))


# RFC 8291 section 5 and Appendix A: the published example, value for value. ---------------

RFC8291 = {
    "plaintext": "V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24",
    "as_public": "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
    "ua_private": "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
    "ua_public": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
    "auth_secret": "BTBZMqHH6r4Tts7J_aSIgg",
    "salt": "DGv6ra1nlYgDCS1FRnbzlw",
    "ecdh_secret": "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs",
    "prk_key": "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k",
    "ikm": "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg",
    "prk": "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc",
    "cek": "oIhVW04MRdy2XN9CiKLxTg",
    "nonce": "4h_95klXJ5E_qnoN",
    "message": (
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
        "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
        "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    ),
}


def rfc_user_agent():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.derive_private_key(
        int.from_bytes(unb64url(RFC8291["ua_private"]), "big"), ec.SECP256R1()
    )


def test_the_tests_decryption_reproduces_rfc_8291s_example():
    ua_private = rfc_user_agent()
    auth = unb64url(RFC8291["auth_secret"])
    keys = key_schedule(ua_private, unb64url(RFC8291["as_public"]), auth, unb64url(RFC8291["salt"]))
    assert {
        name: b64url(getattr(keys, name))
        for name in ("ecdh_secret", "prk_key", "ikm", "prk", "cek", "nonce")
    } == {name: RFC8291[name] for name in ("ecdh_secret", "prk_key", "ikm", "prk", "cek", "nonce")}
    plaintext = decrypt(unb64url(RFC8291["message"]), ua_private, auth)
    assert plaintext == b"When I grow up, I want to be a watermelon"
    assert plaintext == unb64url(RFC8291["plaintext"])


def test_the_tests_decryption_refuses_a_tampered_message():
    from cryptography.exceptions import InvalidTag

    message = bytearray(unb64url(RFC8291["message"]))
    message[-1] ^= 1
    with pytest.raises(InvalidTag):
        decrypt(bytes(message), rfc_user_agent(), unb64url(RFC8291["auth_secret"]))


# Sending ------------------------------------------------------------------------------------


def test_a_push_is_encrypted_for_the_browser_and_signed_with_vapid(
    push_app, db, push_service, vapid
):
    user = make_user()
    browser, endpoint = subscribed(user, push_service)
    payload = {
        "title": "Nationals in 2 weeks",
        "body": "Openers: 200 / 130 / 240 kg",
        "url": "/planner",
        "tag": "reminder-7",
    }
    before = int(time.time())

    assert push.send_to_user(user.id, payload) == push.Delivery(sent=1)

    [message] = push_service.to(endpoint)
    assert browser.read(message.body) == payload
    assert message.headers["content-encoding"] == "aes128gcm"
    assert message.headers["ttl"] == str(push.TTL_SECONDS)
    key, claims = verify_vapid(message.headers["authorization"])
    assert key == vapid["VAPID_PUBLIC_KEY"]
    assert claims["aud"] == push_service.origin  # the endpoint's origin, no path
    assert claims["sub"] == vapid["VAPID_SUBJECT"] == "mailto:ops@meetday.test"
    assert before < claims["exp"] <= int(time.time()) + 24 * 60 * 60  # RFC 8292 section 2
    row = db.session.scalar(select(PushSubscription))
    assert row.last_success_at is not None


def test_every_device_of_the_user_gets_it_and_nobody_else(push_app, db, push_service):
    user, other = make_user(), make_user()
    phone, phone_endpoint = subscribed(user, push_service)
    laptop, laptop_endpoint = subscribed(user, push_service)
    _, other_endpoint = subscribed(other, push_service)
    payload = {"title": "t", "body": "b", "url": "/", "tag": "x"}

    assert push.send_to_user(user.id, payload).sent == 2
    assert phone.read(push_service.to(phone_endpoint)[0].body) == payload
    assert laptop.read(push_service.to(laptop_endpoint)[0].body) == payload
    assert push_service.to(other_endpoint) == []


@pytest.mark.parametrize(("status", "kept"), [(410, False), (404, False), (500, True), (429, True)])
def test_a_gone_subscription_is_removed_and_a_failing_one_kept(
    push_app, db, push_service, status, kept
):
    user = make_user()
    subscribed(user, push_service, status)
    _, healthy = subscribed(user, push_service)

    delivery = push.send_to_user(user.id, {"title": "t", "body": "b", "url": "/", "tag": "x"})

    assert delivery == push.Delivery(sent=1, removed=0 if kept else 1, failed=1 if kept else 0)
    assert subscription_count(db) == (2 if kept else 1)
    assert len(push_service.to(healthy)) == 1


def test_an_unreachable_push_service_is_logged_not_raised(push_app, db, caplog):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    user = make_user()
    push.subscribe(user, Browser().subscription(f"http://127.0.0.1:{port}/wpush/x"))

    delivery = push.send_to_user(user.id, {"title": "t", "body": "b", "url": "/", "tag": "x"})

    assert delivery == push.Delivery(failed=1)
    assert subscription_count(db) == 1
    assert "push to subscription" in caplog.text and "/wpush/x" not in caplog.text


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "t", "body": "b", "url": "https://evil.example/", "tag": "x"},
        {"title": "t", "body": "b", "url": "//evil.example/", "tag": "x"},
        {"title": "t", "body": "b", "url": "/"},
        {"title": "t", "body": 3, "url": "/", "tag": "x"},
        {"title": "t", "body": "b" * 4000, "url": "/", "tag": "x"},
    ],
)
def test_a_malformed_payload_is_refused(push_app, db, payload):
    with pytest.raises(ValueError):
        push.send_to_user(make_user().id, payload)


def test_with_push_off_nothing_is_sent_or_queued(app, db, push_service):
    user = make_user()
    push.subscribe(user, Browser().subscription(push_service.endpoint()))
    payload = {"title": "t", "body": "b", "url": "/", "tag": "x"}
    assert not push.enabled() and push.public_key() is None
    assert push.notify(user.id, payload) is False
    assert push.send_to_user(user.id, payload) == push.Delivery()


# Subscriptions ------------------------------------------------------------------------------


def test_subscribing_again_is_idempotent_and_another_user_takes_the_device_over(
    push_app, db, push_service
):
    first, second = make_user(), make_user()
    browser, endpoint = Browser(), push_service.endpoint()
    _, created = push.subscribe(first, browser.subscription(endpoint))
    _, again = push.subscribe(first, browser.subscription(endpoint))
    assert (created, again) == (True, False)
    assert subscription_count(db) == 1

    rotated = Browser()  # the browser renewed its keys (pushsubscriptionchange)
    row, _ = push.subscribe(second, rotated.subscription(endpoint), "Safari on iPhone")
    assert subscription_count(db) == 1
    assert row.user_id == second.id and row.user_agent == "Safari on iPhone"
    assert row.p256dh == rotated.subscription(endpoint)["keys"]["p256dh"]


def test_concurrent_subscribes_of_one_device_make_one_row(push_app, db, push_service):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite serialises writers)")
    import threading

    user_id = make_user().id
    subscription = Browser().subscription(push_service.endpoint())
    barrier, errors = threading.Barrier(6), []

    def subscribe_once():
        with push_app.app_context():
            try:
                user = _db.session.get(User, user_id)
                barrier.wait()
                push.subscribe(user, subscription)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=subscribe_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert subscription_count(db) == 1


def test_unsubscribe_removes_only_the_users_own_device(push_app, db, push_service):
    owner, stranger = make_user(), make_user()
    _, endpoint = subscribed(owner, push_service)
    assert push.unsubscribe(stranger, endpoint) is False
    assert subscription_count(db) == 1
    assert push.unsubscribe(owner, endpoint) is True
    assert push.unsubscribe(owner, endpoint) is False
    assert subscription_count(db) == 0


def test_a_user_keeps_at_most_max_devices(push_app, db, push_service, monkeypatch):
    monkeypatch.setattr(push, "MAX_DEVICES", 2)
    user = make_user()
    endpoints = [subscribed(user, push_service)[1] for _ in range(3)]
    kept = set(db.session.scalars(select(PushSubscription.endpoint)))
    assert kept == set(endpoints[1:])


def good_keys():
    return Browser().subscription("https://push.example/x")["keys"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (None, "JSON object"),
        (["https://push.example/x"], "JSON object"),
        ({"keys": good_keys()}, "endpoint"),
        ({"endpoint": "ftp://push.example/x", "keys": good_keys()}, "https"),
        ({"endpoint": "https:///x", "keys": good_keys()}, "https"),
        ({"endpoint": "https://push.example/" + "x" * 2100, "keys": good_keys()}, "2048"),
        ({"endpoint": "https://push.example/x"}, "keys"),
        (
            {
                "endpoint": "https://push.example/x",
                "keys": {**good_keys(), "p256dh": "not base64!"},
            },
            "base64url",
        ),
        (
            {
                "endpoint": "https://push.example/x",
                "keys": {**good_keys(), "p256dh": b64url(b"\x04" + bytes(64))},
            },
            "P-256",
        ),
        (
            {
                "endpoint": "https://push.example/x",
                "keys": {**good_keys(), "auth": b64url(bytes(8))},
            },
            "16 bytes",
        ),
        ({"endpoint": "https://push.example/x", "keys": {"auth": good_keys()["auth"]}}, "p256dh"),
    ],
)
def test_a_malformed_subscription_says_what_is_wrong(push_app, db, data, reason):
    with pytest.raises(push.PushError, match=reason):
        push.subscribe(make_user(), data)
    assert subscription_count(db) == 0


def test_production_accepts_only_https_endpoints(push_app, monkeypatch):
    monkeypatch.setitem(push_app.config, "MEETDAY_ENV", "production")
    with pytest.raises(push.PushError, match="https"):
        push.parse_subscription(Browser().subscription("http://127.0.0.1:9/wpush/x"))
    assert push.parse_subscription(Browser().subscription("https://push.example/x"))


# Configuration ------------------------------------------------------------------------------


def test_vapid_keys_prints_a_pair_the_app_accepts(app, app_factory):
    result = app.test_cli_runner().invoke(args=["vapid-keys"])
    assert result.exit_code == 0, result.output
    lines = dict(
        line.split("=", 1) for line in result.output.splitlines() if not line.startswith("#")
    )
    assert len(unb64url(lines["VAPID_PUBLIC_KEY"])) == 65
    assert len(unb64url(lines["VAPID_PRIVATE_KEY"])) == 32
    pushing = app_factory(VAPID_SUBJECT="mailto:ops@meetday.test", **lines)
    with pushing.app_context():
        assert push.public_key() == lines["VAPID_PUBLIC_KEY"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"VAPID_PRIVATE_KEY": None}, "both"),
        ({"VAPID_PUBLIC_KEY": push.generate_keys()[0]}, "public half"),
        ({"VAPID_PRIVATE_KEY": "c2hvcnQ"}, "32-byte"),
        ({"VAPID_SUBJECT": None}, "VAPID_SUBJECT"),
        ({"VAPID_SUBJECT": "ops@meetday.test"}, "VAPID_SUBJECT"),
        ({"VAPID_SUBJECT": "https://meetday.test/contact"}, "VAPID_SUBJECT"),
    ],
)
def test_a_half_or_wrong_vapid_setup_stops_the_app_at_start(app_factory, vapid, change, message):
    with pytest.raises(ConfigError, match=message):
        app_factory(**{**vapid, **change})


# What pushes: new messages and meet reminders ---------------------------------------------


def test_a_new_message_is_pushed_to_the_recipient_only(push_app, db, push_service):
    coach = make_user(role="coach", display_name="Dana")
    athlete = make_user(display_name="Sam")
    social.link_coach(coach, athlete)
    coach_browser, coach_endpoint = subscribed(coach, push_service)
    _, athlete_endpoint = subscribed(athlete, push_service)
    chat = messaging.conversation_between(athlete, coach)

    messaging.send(athlete, chat, "Opener 200?\n\nFelt fast today.", "m-1")
    ran = run_queued_pushes()

    assert push_service.to(athlete_endpoint) == []
    [message] = push_service.to(coach_endpoint)
    assert coach_browser.read(message.body) == {
        "title": "Sam",
        "body": "Opener 200? Felt fast today.",
        "url": f"/messages/{chat.id}",
        "tag": f"conversation-{chat.id}",
    }
    if not jobs.in_process():  # one job on the default queue: the event's, which pushed
        [event] = db.session.scalars(select(OutboxEvent).filter_by(name="dm.message.sent"))
        assert event.payload == {
            "message_id": event.payload["message_id"],
            "sender_id": athlete.id,
            "recipient_id": coach.id,
        }
        assert ran == [("default", (event.id,))]


def test_a_retried_send_pushes_once_and_long_messages_are_cut(push_app, db, push_service):
    coach = make_user(role="coach", display_name="Dana")
    athlete = make_user(display_name="Sam")
    social.link_coach(coach, athlete)
    browser, endpoint = subscribed(athlete, push_service)
    chat = messaging.conversation_between(coach, athlete)

    messaging.send(coach, chat, "x" * 2000, "m-2")
    messaging.send(coach, chat, "x" * 2000, "m-2")  # the same write replayed: no new message
    run_queued_pushes()

    [message] = push_service.to(endpoint)
    body = browser.read(message.body)["body"]
    assert len(body) == push.PREVIEW_CHARS and body.endswith("…")


def test_messages_to_the_ai_coach_are_not_pushed(push_app, db, push_service, monkeypatch):
    athlete = make_user()
    coach = coach_ai.coach_user()
    sent = []
    monkeypatch.setattr(push, "notify", lambda *args, **kwargs: sent.append(args))
    message = messaging.send(athlete, messaging.conversation_between(athlete, coach), "Hi", "m-3")
    assert push.message_push(message, coach) is None
    assert all(args[0] != coach.id for args in sent)
    sent_events = db.session.scalars(select(OutboxEvent).filter_by(name="dm.message.sent"))
    assert all(event.payload["recipient_id"] != coach.id for event in sent_events)


def test_a_delivered_reminder_is_pushed_on_the_reminders_queue(
    push_app, db, push_service, monkeypatch
):
    from app.services import reminders
    from tests.services.test_reminders import saved_meet
    from tests.services.test_training import athlete as make_athlete

    user = make_athlete()
    other = make_user()
    browser, endpoint = subscribed(user, push_service)
    _, other_endpoint = subscribed(other, push_service)
    saved_meet(user)
    reminder = db.session.scalar(select(Reminder).filter_by(kind="weeks-1"))
    stamp = int(reminder.due_at.timestamp())
    queues = []
    real_queue = jobs.queue
    monkeypatch.setattr(
        jobs, "queue", lambda name="default": queues.append(name) or real_queue(name)
    )

    assert reminders.deliver(reminder.id, stamp) == "sent"
    assert reminders.deliver(reminder.id, stamp) == "gone"  # a retry: no second push
    monkeypatch.undo()
    run_queued_pushes()

    assert queues == ["reminders"]
    notification = db.session.scalar(select(Notification).filter_by(user_id=user.id))
    [message] = push_service.to(endpoint)
    assert browser.read(message.body) == {  # a copy of the bell's notification
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "tag": notification.dedupe_key,
    }
    assert "Nationals" in notification.title + notification.body
    assert push_service.to(other_endpoint) == []
