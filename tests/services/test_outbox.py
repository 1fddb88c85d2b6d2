"""The transactional outbox: each event's JSON Schema is checked where the event is written,
relays running at once enqueue each event once, and a handler that keeps failing is retried
with backoff and then listed as failed."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from app import jobs
from app.extensions import db as _db
from app.models import OutboxEvent, Workout
from app.models.types import utcnow
from app.services import coach_ai, events, messaging, planner, posts, workouts
from tests.conftest import make_user
from tests.services.test_training import athlete as training_athlete

# The events the issue names (DESIGN.md section 6): each must exist with a schema.
DOMAIN_EVENTS = {
    "workout.completed",
    "meet.changed",
    "media.uploaded",
    "dm.message.sent",
    "coach.reply.requested",
}


def completed_workouts(user, count: int) -> None:
    """Record and commit ``count`` workout.completed events for ``user`` (workouts 1..count)."""
    for n in range(count):
        events.record("workout.completed", {"workout_id": n + 1, "user_id": user.id})
    _db.session.commit()


def test_every_event_has_a_valid_json_schema_and_a_handler():
    files = {path.name.removesuffix(".json") for path in events.SCHEMAS.glob("*.json")}
    assert files == set(events.KINDS) >= DOMAIN_EVENTS
    for name in files:
        schema = json.loads((events.SCHEMAS / f"{name}.json").read_text())
        Draft202012Validator.check_schema(schema)  # a valid draft 2020-12 schema
        assert schema["title"] == name
        assert schema["additionalProperties"] is False
        assert callable(events.handler_of(name))
        assert events.KINDS[name].queue in jobs.QUEUE_NAMES


# The messages are jsonschema's own (the library's wording for each keyword).
@pytest.mark.parametrize(
    ("name", "payload", "problem"),
    [
        ("workout.completed", {"workout_id": 7}, "'user_id' is a required property"),
        (
            "workout.completed",
            {"workout_id": "7", "user_id": 2},
            "workout_id: '7' is not of type 'integer'",
        ),
        (
            "meet.changed",
            {"meet_id": 1, "user_id": 1, "meet_date": "2027-02-30"},
            "meet_date: '2027-02-30' is not a 'date'",
        ),
        (
            "media.uploaded",
            {"post_id": 1, "user_id": 1, "path": "/etc/passwd"},
            "Additional properties are not allowed ('path' was unexpected)",
        ),
        ("dm.message.sent", {"message_id": 0, "sender_id": 1, "recipient_id": 2}, "minimum of 1"),
        ("workout.finished", {"workout_id": 1}, "unknown event 'workout.finished'"),
    ],
)
def test_a_malformed_event_fails_where_it_is_written(db, name, payload, problem):
    with pytest.raises(events.EventSchemaError) as raised:
        events.record(name, payload)
    assert problem in str(raised.value)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_a_write_and_its_event_commit_together_or_not_at_all(db, monkeypatch):
    user = make_user()
    workout = workouts.start_workout(user, "w-1")
    workouts.log_set(user, workout, "Squat", "squat", Decimal(180), 5, Decimal(8), "s-1")
    broken = {"workout_id": workout.id}  # what a bug would send: user_id missing
    real_record = events.record
    monkeypatch.setattr(events, "record", lambda name, payload: real_record(name, broken))
    with pytest.raises(events.EventSchemaError):
        workouts.complete_workout(user, workout, "Felt fast")
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Workout, workout.id).completed_at is None  # nothing half-written
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_every_write_that_triggers_work_records_its_event(db, monkeypatch):
    monkeypatch.setattr(events, "relay_soon", lambda: 0)  # keep them pending to look at
    athlete = training_athlete()
    coach = make_user(role="coach", display_name="Dana")
    from app.services import social

    social.link_coach(coach, athlete)
    workout = workouts.start_workout(athlete, "w-2")
    workouts.log_set(athlete, workout, "Bench press", "bench", Decimal(100), 5, None, "s-2")
    workouts.complete_workout(athlete, workout, None)
    meet_date = date.today() + timedelta(weeks=10)
    values = {"name": "Nationals", "meet_date": meet_date, "federation": "IPF", "location": None}
    meet = planner.save_meet(athlete, values, "m-1", date.today()).meet
    message = messaging.send(athlete, messaging.conversation_between(athlete, coach), "Hi", "d-1")
    ai = coach_ai.coach_user()
    asked = messaging.send(athlete, messaging.conversation_between(athlete, ai), "Opener?", "d-2")
    upload = posts.create_upload(athlete, 4, "clip.mp4")
    upload.completed_at = utcnow()
    db.session.commit()
    post = posts.create_post(
        athlete, upload, posts.NewPost("squat", None, None, None, "public"), "p-1"
    )

    recorded = {
        event.name: event.payload
        for event in db.session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
    }
    assert recorded == {
        "workout.completed": {"workout_id": workout.id, "user_id": athlete.id},
        "meet.changed": {
            "meet_id": meet.id,
            "user_id": athlete.id,
            "meet_date": meet_date.isoformat(),
        },
        "dm.message.sent": {
            "message_id": message.id,
            "sender_id": athlete.id,
            "recipient_id": coach.id,
        },
        "coach.reply.requested": {"message_id": asked.id, "athlete_id": athlete.id},
        "media.uploaded": {"post_id": post.id, "user_id": athlete.id},
    }


def test_two_relays_at_once_enqueue_each_event_once(app_factory, db, redis_url):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL (SQLite serialises writers)")
    app = app_factory(REDIS_URL=redis_url)
    connection = Redis.from_url(redis_url)
    queues = {name: Queue(name, connection=connection) for name in jobs.QUEUE_NAMES}
    for queue in queues.values():
        queue.empty()
    user = make_user()
    with app.app_context():
        completed_workouts(user, 300)
        ids = set(db.session.scalars(select(OutboxEvent.id)))
    start = threading.Barrier(2)

    def relay() -> list[int]:
        handed = []
        with app.app_context():
            start.wait()
            while count := events.dispatch_pending(limit=10):
                handed.append(count)
            db.session.remove()
        return handed

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: relay(), range(2))

    assert sum(first) + sum(second) == 300
    assert first and second, "both relays took part"
    queued = queues["ai"].job_ids
    assert len(queued) == 300  # no event enqueued twice ...
    assert set(queued) == {f"event-{i}" for i in ids}  # ... and none missed
    assert all(queue.count == 0 for name, queue in queues.items() if name != "ai")
    queues["ai"].empty()


ATTEMPTS: list[int] = []


def flaky_handler(event: OutboxEvent) -> None:
    """A handler whose dependency is down for its first FAILURES_LEFT[0] tries."""
    ATTEMPTS.append(event.id)
    if len(ATTEMPTS) <= FAILURES_LEFT[0]:
        raise ConnectionError("LLM endpoint unreachable")


FAILURES_LEFT = [0]


def run_jobs(queue_name: str) -> None:
    """What a worker does: relay, then run the queue (and its retries) until it is empty."""
    events.dispatch_pending()
    if not jobs.in_process():
        queue = jobs.queue(queue_name)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


@pytest.fixture
def flaky_event(monkeypatch):
    """'workout.completed' handled by flaky_handler, retried twice with no wait."""
    ATTEMPTS.clear()
    monkeypatch.setitem(
        events.KINDS,
        "workout.completed",
        events.Kind("ai", f"{__name__}:flaky_handler", 30, (0, 0)),
    )
    return FAILURES_LEFT


def test_a_transient_failure_is_retried_and_then_succeeds(app, db, flaky_event):
    if jobs.in_process():
        pytest.skip("in-process mode has no retries: the first failure is final")
    jobs.queue("ai").empty()
    flaky_event[0] = 2  # down for two tries: the third succeeds
    user = make_user()
    events.record("workout.completed", {"workout_id": 1, "user_id": user.id})
    db.session.commit()
    run_jobs("ai")
    db.session.expire_all()
    [event] = db.session.scalars(select(OutboxEvent)).all()
    assert len(ATTEMPTS) == 3 and event.attempts == 3
    assert event.done_at is not None and event.failed_at is None and event.error is None
    assert events.failed() == []


def push_service_down(user_id: int) -> None:
    """A plain RQ job (not an event) that fails: for the admin's list of other failed jobs."""
    raise TimeoutError(f"push service timed out for user {user_id}")


def test_a_relay_that_dies_midway_leaves_its_events_for_the_next(
    app_factory, db, redis_url, monkeypatch
):
    """Events are marked handed over in the transaction that claimed them, after they are
    enqueued: a relay killed halfway (here: an error after two enqueues) marks nothing, and
    the next relay hands all of them over (at least once; handlers are idempotent)."""
    app = app_factory(REDIS_URL=redis_url)
    queue = Queue("ai", connection=Redis.from_url(redis_url))
    queue.empty()
    user = make_user()
    with app.app_context():
        completed_workouts(user, 5)
        real_enqueue, calls = events._enqueue, []

        def dies_on_the_third(event_id, name):
            calls.append(event_id)
            if len(calls) == 3:
                raise SystemExit("SIGTERM mid-relay")
            real_enqueue(event_id, name)

        monkeypatch.setattr(events, "_enqueue", dies_on_the_third)
        with pytest.raises(SystemExit):
            events.dispatch_pending()
        db.session.rollback()  # what the dying process's connection does
        pending = db.session.scalars(select(OutboxEvent.id).filter_by(enqueued_at=None)).all()
        assert len(pending) == 5
        monkeypatch.setattr(events, "_enqueue", real_enqueue)
        assert events.dispatch_pending() == 5
        assert events.dispatch_pending() == 0
    queued = queue.job_ids  # the two enqueued before the relay died are in twice
    assert set(queued) == {f"event-{event_id}" for event_id in pending}
    assert len(queued) == 5 + 2
    queue.empty()


def test_a_work_horse_killed_on_the_last_try_lists_the_event_as_failed(app, db, redis_url):
    """When the worker sees its horse die (out of memory, killed at the job's timeout) RQ runs
    no failure callback; GracefulWorker records it on the event all the same."""
    from rq.job import Job

    from workers.worker import GracefulWorker

    connection = Redis.from_url(redis_url)
    queue = Queue("ai", connection=connection)
    user = make_user()
    event = events.record("workout.completed", {"workout_id": 9, "user_id": user.id})
    db.session.commit()
    for retries_left, final in ((1, False), (0, True)):
        job = Job.create(JOB_FUNC, args=(event.id,), id=f"event-{event.id}", connection=connection)
        job.retries_left = retries_left
        job.save()
        worker = GracefulWorker([queue], connection=connection)
        worker.handle_job_failure(
            job,
            queue,
            exc_string="Traceback ...\nWork-horse terminated unexpectedly; waitpid returned 9",
        )
        db.session.expire_all()
        failed = db.session.get(OutboxEvent, event.id)
        assert failed.error == "Work-horse terminated unexpectedly; waitpid returned 9"
        assert (failed.failed_at is not None) is final
    queue.empty()


JOB_FUNC = "workers.events.handle_event"


def test_the_sweeper_relays_again_an_event_whose_job_redis_lost(app_factory, db, redis_url):
    from rq.job import Job

    app = app_factory(REDIS_URL=redis_url)
    connection = Redis.from_url(redis_url)
    queue = Queue("ai", connection=connection)
    queue.empty()
    user = make_user()
    long_ago = utcnow() - timedelta(hours=1)
    with app.app_context():
        made = {}
        for label in ("lost", "queued", "recent", "gave up"):
            made[label] = events.record("workout.completed", {"workout_id": 1, "user_id": user.id})
        db.session.flush()
        for label, event in made.items():
            event.enqueued_at = utcnow() if label == "recent" else long_ago
        db.session.commit()
        ids = {label: event.id for label, event in made.items()}
        for label in ("lost", "queued", "recent", "gave up"):
            connection.delete(f"rq:job:event-{ids[label]}")
        queue.enqueue(JOB_FUNC, ids["queued"], job_id=f"event-{ids['queued']}")  # alive
        gave_up = Job.create(
            JOB_FUNC, args=(ids["gave up"],), id=f"event-{ids['gave up']}", connection=connection
        )
        gave_up.set_status("failed")
        gave_up.save()

        assert events.requeue_lost() == 1
        db.session.expire_all()
        state = {label: db.session.get(OutboxEvent, i) for label, i in ids.items()}
        assert state["lost"].enqueued_at is None  # back to the relay
        assert state["queued"].enqueued_at is not None and state["queued"].failed_at is None
        assert state["recent"].enqueued_at is not None  # too young to call lost
        assert state["gave up"].failed_at is not None  # listed for an admin
        assert events.dispatch_pending() == 1
        assert events.requeue_lost() == 0
    queue.empty()
