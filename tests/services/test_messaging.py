"""Conversations and messages on the real database: one conversation per pair under
concurrency, idempotent sends, unread counts and receipts, who may write, pins, blocks."""

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Conversation, Follow, Message
from app.services import messaging, social
from tests.conftest import make_user


def pair():
    coach = make_user(role="coach", display_name="Dana")
    athlete = make_user(display_name="Sam")
    social.link_coach(coach, athlete)
    return coach, athlete


def test_concurrent_first_messages_make_one_conversation(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite serialises writers)")
    coach, athlete = pair()
    ids = (coach.id, athlete.id)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def first_message(n: int) -> None:
        with app.app_context():
            try:
                me, other = (_db.session.get(type(coach), i) for i in (ids if n % 2 else ids[::-1]))
                barrier.wait()
                conversation = messaging.conversation_between(me, other)
                messaging.send(me, conversation, f"hello {n}", f"c-{n}")
                results.append(conversation.id)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=first_message, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 1
    assert db.session.scalar(select(func.count()).select_from(Message)) == 8


def test_a_retried_send_creates_one_message(app, db):
    coach, athlete = pair()
    chat = messaging.conversation_between(athlete, coach)
    first = messaging.send(athlete, chat, "Opener 200?", "retry-1")
    again = messaging.send(athlete, chat, "Opener 200?", "retry-1")
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1


def test_concurrent_retries_of_one_send_create_one_message(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency needs PostgreSQL")
    coach, athlete = pair()
    chat_id = messaging.conversation_between(athlete, coach).id
    barrier = threading.Barrier(6)
    ids = []

    def retry() -> None:
        with app.app_context():
            try:
                me = _db.session.get(type(athlete), athlete.id)
                chat = _db.session.get(Conversation, chat_id)
                barrier.wait()
                ids.append(messaging.send(me, chat, "same tap", "tap-1").id)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 6 and len(set(ids)) == 1
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1


def test_unread_counts_follow_reads(db):
    coach, athlete = pair()
    chat = messaging.conversation_between(coach, athlete)
    for n in range(3):
        messaging.send(coach, chat, f"note {n}", f"n-{n}")
    [summary] = messaging.inbox(athlete)
    assert summary.unread == 3 and summary.last.body == "note 2"
    assert messaging.inbox(coach)[0].unread == 0  # your own messages are read
    messaging.mark_read(chat, athlete)
    assert messaging.inbox(athlete)[0].unread == 0
    messaging.send(coach, chat, "one more", "n-3")
    assert messaging.unread_total(athlete) == 1
    messaging.send(athlete, chat, "seen", "a-1")  # replying (from the chat) reads it all
    assert messaging.unread_total(athlete) == 0
    assert messaging.unread_total(coach) == 1
    assert chat.read_id(coach.id) < chat.read_id(athlete.id)  # receipt: coach hasn't read it


def test_who_may_message_whom(db):
    coach, athlete = pair()
    stranger = make_user(display_name="Stranger")
    friend = make_user(display_name="Friend")
    assert messaging.may_message(athlete, coach) is None
    assert messaging.may_message(coach, athlete) is None
    assert "people who follow you back" in messaging.may_message(stranger, athlete)
    db.session.add(Follow(follower_id=friend.id, followee_id=athlete.id))
    db.session.commit()
    assert messaging.may_message(friend, athlete) is not None  # one-way follow is not enough
    db.session.add(Follow(follower_id=athlete.id, followee_id=friend.id))
    db.session.commit()
    assert messaging.may_message(friend, athlete) is None
    messaging.block(athlete, friend)
    assert messaging.may_message(friend, athlete) == "You can't message Sam."
    assert messaging.may_message(athlete, friend) is not None  # a block works both ways
    chat = messaging.conversation_between(friend, athlete)
    with pytest.raises(messaging.MessagingError):
        messaging.send(friend, chat, "hi", "blocked-1")
    messaging.unblock(athlete, friend)
    assert messaging.send(friend, chat, "hi", "blocked-1").body == "hi"


def test_messages_page_back_in_order_without_gaps(db):
    coach, athlete = pair()
    chat = messaging.conversation_between(coach, athlete)
    sent = [messaging.send(coach, chat, f"m{n}", f"m-{n}").id for n in range(75)]
    latest, older = messaging.messages(chat)
    seen = [m.id for m in latest]
    while older:
        page, older = messaging.messages(chat, before=(latest[0].created_at, latest[0].id))
        seen = [m.id for m in page] + seen
        latest = page
    assert seen == sent


def test_pins_keep_their_history(db):
    coach, athlete = pair()
    athlete.mass_unit = "lb"
    db.session.commit()
    chat = messaging.conversation_between(coach, athlete)
    first = messaging.parse_attempts(
        {"squat_opener": "440", "squat_second": "463", "squat_third": "485"}, "lb"
    )
    # 1 lb = 0.45359237 kg exactly (the international yard and pound agreement, 1959)
    assert first == {"squat": ["199.5806", "210.0133", "219.9923"]}
    messaging.pin_attempts(coach, chat, first, "pin-1")
    assert messaging.current_pin(chat).athlete_id == athlete.id  # the athlete's attempts
    second = messaging.parse_attempts(
        {"squat_opener": "435", "squat_second": "457", "squat_third": "480"}, "lb"
    )
    messaging.pin_attempts(athlete, chat, second, "pin-2")
    messaging.pin_attempts(athlete, chat, second, "pin-2")  # a retry changes nothing
    assert messaging.current_pin(chat).attempts == second
    assert [p.client_id for p in messaging.pin_history(chat)] == ["pin-2", "pin-1"]
    messaging.unpin(coach, chat)
    assert messaging.current_pin(chat) is None
    assert len(messaging.pin_history(chat)) == 2
    kinds = db.session.scalars(select(Message.kind).order_by(Message.id)).all()
    assert kinds == ["attempts", "attempts"]


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({}, "at least one lift"),
        ({"bench_opener": "140", "bench_second": "135", "bench_third": "150"}, "heavier"),
        ({"bench_opener": "140", "bench_second": "", "bench_third": "150"}, "Bench second"),
        (
            {"deadlift_opener": "x", "deadlift_second": "1", "deadlift_third": "2"},
            "Deadlift opener",
        ),
    ],
)
def test_bad_attempts_are_refused_with_the_field_named(values, error):
    with pytest.raises(messaging.MessagingError, match=error):
        messaging.parse_attempts(values, "kg")
