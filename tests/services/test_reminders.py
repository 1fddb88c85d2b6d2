"""Meet reminders on the real database, and delivered by a real RQ worker process on Redis."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from app.models import Meet, Notification, OutboxEvent, Reminder
from app.services import events, planner, reminders
from tests.services.test_training import athlete

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
MEET = {"name": "Nationals", "meet_date": date(2027, 4, 11), "federation": "IPF", "location": None}


def saved_meet(user, values=None, client_id="11111111-1111-4111-8111-111111111111", meet=None):
    return planner.save_meet(user, values or MEET, client_id, NOW.date(), meet).meet


def handle_meet_changed(db):
    """What a worker does with the save's 'meet.changed' events: returns reminders handed."""
    pending = db.session.scalars(
        select(OutboxEvent).filter_by(name="meet.changed", done_at=None)
    ).all()
    return sum(reminders.on_meet_changed(event) for event in pending)


def due(db):
    db.session.expire_all()
    return {r.kind: (r.due_at, r.status) for r in db.session.scalars(select(Reminder))}


def test_saving_a_meet_records_its_reminders_in_the_same_transaction(db):
    user = athlete()
    user.time_zone = "Europe/London"
    db.session.commit()
    saved_meet(user)
    assert due(db) == {
        "weeks-4": (datetime(2027, 3, 14, 9, tzinfo=UTC), "scheduled"),
        "weeks-2": (datetime(2027, 3, 28, 8, tzinfo=UTC), "scheduled"),
        "weeks-1": (datetime(2027, 4, 4, 8, tzinfo=UTC), "scheduled"),
    }


def test_moving_the_meet_moves_its_reminders_and_deleting_cancels_them(db):
    user = athlete()
    user.time_zone = "Europe/London"
    db.session.commit()
    meet = saved_meet(user)
    moved = dict(MEET, meet_date=date(2027, 1, 10))  # 6 weeks out: all before BST
    saved_meet(user, moved, "22222222-2222-4222-8222-222222222222", meet)
    times = due(db)
    assert times["weeks-4"] == (datetime(2026, 12, 13, 9, tzinfo=UTC), "scheduled")
    assert times["weeks-1"] == (datetime(2027, 1, 3, 9, tzinfo=UTC), "scheduled")
    planner.delete_meet(db.session.get(Meet, meet.id))
    assert due(db) == {}


def test_reminders_already_past_are_skipped(db):
    user = athlete()
    saved_meet(user, dict(MEET, meet_date=NOW.date() + timedelta(days=10)))
    statuses = {kind: status for kind, (_, status) in due(db).items()}
    assert statuses == {"weeks-4": "skipped", "weeks-2": "skipped", "weeks-1": "scheduled"}


def test_delivering_twice_makes_one_notification(db):
    user = athlete()
    saved_meet(user)
    reminder = db.session.scalar(select(Reminder).filter_by(kind="weeks-1"))
    stamp = int(reminder.due_at.timestamp())
    assert reminders.deliver(reminder.id, stamp) == "sent"
    assert reminders.deliver(reminder.id, stamp) == "gone"
    assert reminders.deliver(reminder.id, stamp - 3600) == "gone"
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def run_worker(redis_url, db_url, **env):
    """A real `rq worker --burst --with-scheduler` process on the reminders queue."""
    root = Path(__file__).resolve().parents[2]
    environment = {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "MEETDAY_ENV": "test",
        **env,
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "rq.cli",
            "worker",
            "--burst",
            "--with-scheduler",
            "--url",
            redis_url,
            "--path",
            str(root),
            "reminders",
        ],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_worker_killed_mid_job_still_delivers_exactly_once(
    app_factory, db_url, redis_url, tmp_path, db
):
    app = app_factory(REDIS_URL=redis_url, REMINDER_RETRY_SECONDS=[0])
    with app.app_context():
        user = athlete()
        saved_meet(user)
        # the worker handles 'meet.changed': three reminders for March and April
        assert handle_meet_changed(db) == 3
        queued = Queue("reminders", connection=Redis.from_url(redis_url))
        assert queued.scheduled_job_registry.count == 3
        # make one due now, as if the weeks had passed, and hand it over again
        reminder = db.session.scalar(select(Reminder).filter_by(kind="weeks-4"))
        reminder.due_at, reminder.enqueued_at = datetime.now(UTC) - timedelta(seconds=1), None
        db.session.commit()
        assert handle_meet_changed(db) == 1
        assert handle_meet_changed(db) == 0  # handed over once only
    marker = tmp_path / "kill-once"
    marker.touch()
    result = run_worker(redis_url, db_url, MEETDAY_KILL_JOB_ONCE=str(marker))
    assert not marker.exists(), result.stderr  # the first attempt died at the fault point
    db.session.expire_all()
    notes = db.session.scalars(select(Notification)).all()
    assert [n.title for n in notes] == ["Nationals: 4 weeks to go"], result.stderr[-2000:]
    assert db.session.scalar(select(Reminder).filter_by(kind="weeks-4")).status == "sent"
    run_worker(redis_url, db_url)  # nothing left to do: still one
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_a_meet_saved_while_redis_is_down_loses_no_reminder(app_factory, redis_url, db):
    from tests.oidc import closed_port

    down = app_factory(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    with down.app_context():
        user = athlete()
        saved_meet(user)  # Redis refuses: the save still succeeds
        pending = db.session.scalars(select(Reminder)).all()
        assert len(pending) == 3 and all(r.enqueued_at is None for r in pending)
        [event] = db.session.scalars(select(OutboxEvent)).all()
        assert (event.name, event.enqueued_at) == ("meet.changed", None)  # waits for a relay
    up = app_factory(REDIS_URL=redis_url)
    with up.app_context():
        assert events.dispatch_pending() == 1  # a worker's relay, once Redis is back
        queued = Queue("reminders", connection=Redis.from_url(redis_url))
        assert queued.job_ids == [f"event-{event.id}"]
        assert handle_meet_changed(db) == 3  # the event's job
        assert queued.scheduled_job_registry.count == 3


def test_a_reminder_whose_job_redis_lost_is_handed_over_again(app_factory, redis_url, db):
    """Redis without persistence loses scheduled jobs on a restart: the sweep notices the
    missing job and schedules it again, once; reminders whose job is there are left alone."""
    app = app_factory(REDIS_URL=redis_url)
    connection = Redis.from_url(redis_url)
    queue = Queue("reminders", connection=connection)
    with app.app_context():
        user = athlete()
        saved_meet(user)
        assert handle_meet_changed(db) == 3
        assert queue.scheduled_job_registry.count == 3
        for reminder in db.session.scalars(select(Reminder)):
            reminder.enqueued_at -= timedelta(hours=1)  # handed over an hour ago
        db.session.commit()
        assert reminders.requeue_lost() == 0  # every job is there
        lost = db.session.scalar(select(Reminder).filter_by(kind="weeks-4"))
        queue.scheduled_job_registry.remove(reminders.job_id(lost), delete_job=True)  # gone
        assert queue.scheduled_job_registry.count == 2
        assert reminders.requeue_lost() == 1
        assert queue.scheduled_job_registry.count == 3
        assert reminders.job_id(lost) in queue.scheduled_job_registry.get_job_ids()
        assert reminders.requeue_lost() == 0  # handed over just now: not lost again
