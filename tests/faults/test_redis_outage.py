"""Redis stopped while a workout is completed and a meet saved (issue "Reliability").

Through the Procfile's web process (gunicorn, production settings, its rate limits kept in
Redis): an athlete signed in on a phone completes an open workout and saves a meet through
the web forms while Redis is down; meanwhile a second phone signs in and a third reads the
JSON API (both rate-limited). Every answer is the normal one (303/200, never a 5xx nor a
429), the data is in PostgreSQL and the outbox events wait (``enqueued_at`` NULL); /readyz
says 503 while Redis is down and 200 once it is back.

Once Redis is back, a worker relays the waiting events and runs each once: one AI coach
comment on the workout, the meet's three reminders handed to RQ's scheduler. Then a second
worker, a relay run and every event's job delivered a second time change nothing: still one
comment, the same scheduled jobs, each event done after one attempt.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from rq import Queue
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.models import (
    AiExchange,
    AthleteProfile,
    LiftEstimate,
    Meet,
    Message,
    OutboxEvent,
    Reminder,
    User,
    Workout,
)
from app.models.types import utcnow
from app.services import api_tokens, coach_ai, events, hashing, reminders, workouts
from tests.faults.processes import wait_until
from tests.web.world import PROFILE

PASSWORD = "correct horse battery"
EMAIL = "outage@example.com"
SETS = (("140", 5, "7"), ("150", 3, "8"), ("160", 2, "8.5"))  # squat: kg, reps, RPE
MEET_WEEKS = 12  # out: all three reminders (4, 2 and 1 weeks before) are in the future
RECOVERY_SECONDS = 15  # Redis back to /readyz 200
WORK_SECONDS = 30  # a worker's start to every event handled


@pytest.fixture
def fault_env(fault_env):
    """Retries at once (OUTBOX_RETRY_SCALE=0) and a relay every second in every process."""
    fault_env.update(OUTBOX_RETRY_SCALE="0", OUTBOX_RELAY_SECONDS="1")
    return fault_env


def make_athlete(app) -> tuple[int, int, str]:
    """An onboarded athlete with an open (unplanned) workout of three squat sets, and an API
    token: (user id, workout id, token)."""
    with app.app_context():
        user = User(email=EMAIL, display_name="Outage", password_hash=hashing.hash_secret(PASSWORD))
        db.session.add(user)
        db.session.flush()
        db.session.add(
            AthleteProfile(user_id=user.id, steps_done=5, completed_at=utcnow(), **PROFILE)
        )
        db.session.commit()
        workout = workouts.start_workout(user, str(uuid.uuid4()), title="Heavy squats")
        for load, reps, rpe in SETS:
            workouts.log_set(
                user,
                workout,
                "Squat",
                "squat",
                Decimal(load),
                reps,
                Decimal(rpe),
                str(uuid.uuid4()),
            )
        token = api_tokens.create_token(user, "phone", "read write", str(uuid.uuid4())).secret
        ids = user.id, workout.id
        db.session.remove()
    return *ids, token


def phone(base_url: str, address: str, seen: list) -> httpx.Client:
    """A browser on a phone at ``address`` (the router's X-Forwarded-For), cookies kept,
    redirects not followed; each answer is noted in ``seen`` as (method, path, status).
    Production cookies are Secure; the router terminates TLS, so this client sends them
    over the loopback's plain HTTP."""

    def over_plain_http(response: httpx.Response) -> None:
        for cookie in client.cookies.jar:
            cookie.secure = False
        seen.append((response.request.method, response.request.url.path, response.status_code))

    client = httpx.Client(
        base_url=base_url, timeout=15, event_hooks={"response": [over_plain_http]}
    )
    client.headers["X-Forwarded-For"] = address
    return client


def page_token(page: httpx.Response) -> str:
    """The CSRF token a page carries (base.html's meta tag), as a form posts it."""
    assert page.status_code == 200, (page.request.url, page.status_code, page.text[:300])
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def submit(client: httpx.Client, page_url: str, action: str, form: dict) -> httpx.Response:
    """Open the page with the form, then post the form with the page's CSRF token."""
    token = page_token(client.get(page_url))
    return client.post(action, data={**form, "csrf_token": token})


def sign_in(client: httpx.Client) -> httpx.Response:
    return submit(client, "/auth/sign-in", "/auth/sign-in", {"email": EMAIL, "password": PASSWORD})


def ready(client: httpx.Client) -> httpx.Response:
    return client.get("/readyz")


def assert_normal(response: httpx.Response, status: int, what: str) -> None:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text[:400]!r}"


# What was written and what ran ------------------------------------------------------------------


def outbox(app) -> dict[int, OutboxEvent]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).all()
        db.session.expunge_all()
        db.session.remove()
    return {event.id: event for event in rows}


def coach_comments(app) -> list[tuple[str, str]]:
    """(client id, body) of every message the AI coach wrote."""
    with app.app_context():
        coach = db.session.scalar(select(User).filter_by(email=coach_ai.COACH_EMAIL))
        if coach is None:
            return []
        query = select(Message.client_id, Message.body).filter_by(sender_id=coach.id)
        rows = [tuple(row) for row in db.session.execute(query)]
        db.session.remove()
    return rows


def meet_reminders(app, meet_id: int) -> list[tuple[str, datetime | None, str]]:
    """(the RQ job id it gets, enqueued_at, status) of each of the meet's reminders."""
    with app.app_context():
        rows = db.session.scalars(
            select(Reminder).filter_by(meet_id=meet_id).order_by(Reminder.due_at)
        ).all()
        result = [(reminders.job_id(r), r.enqueued_at, r.status) for r in rows]
        db.session.remove()
    return result


def scheduled(redis) -> dict[str, float]:
    """The 'reminders' queue's ScheduledJobRegistry: job id -> when it is due (Unix time)."""
    registry = ScheduledJobRegistry("reminders", connection=redis)
    return {
        key.decode(): score for key, score in redis.zrange(registry.key, 0, -1, withscores=True)
    }


def all_done(app) -> bool:
    rows = outbox(app).values()
    return bool(rows) and all(event.done_at is not None for event in rows)


# The test ---------------------------------------------------------------------------------------


def test_redis_outage_loses_nothing_and_every_job_runs_once_after(
    fault_app, fault_redis, fault_web, fault_worker
):
    user_id, workout_id, api_token = make_athlete(fault_app)
    today = datetime.now(UTC).date()
    meet_date = today + timedelta(weeks=MEET_WEEKS)
    seen: list[tuple[str, str, int]] = []
    first = phone(fault_web.url, "10.0.0.1", seen)
    second = phone(fault_web.url, "10.0.0.2", seen)
    api = phone(fault_web.url, "10.0.0.3", seen)
    api.headers["Authorization"] = f"Bearer {api_token}"
    try:
        assert_normal(ready(first), 200, "/readyz with Redis up")
        assert_normal(sign_in(first), 303, "sign-in with Redis up")

        fault_redis.stop()
        outage_started, before_outage = time.monotonic(), len(seen)
        down = ready(first)
        assert_normal(down, 503, "/readyz with Redis down")
        assert down.json()["checks"]["redis"]["ok"] is False
        assert down.json()["checks"]["database"]["ok"] is True

        completed = submit(
            first,
            f"/planner/workouts/{workout_id}",
            f"/planner/workouts/{workout_id}/complete",
            {"client_id": str(uuid.uuid4()), "notes": "Moved well."},
        )
        assert_normal(completed, 303, "completing the workout")
        assert completed.headers["location"].endswith(f"/planner/workouts/{workout_id}/summary")
        assert_normal(first.get(completed.headers["location"]), 200, "the workout summary")

        meet_page = first.get("/planner/meets/new")
        client_id = re.search(
            r'name="client_id" type="hidden" value="([0-9a-f-]{36})"', meet_page.text
        ).group(1)
        meet_form = {
            "client_id": client_id,
            "name": "Regionals",
            "meet_date": meet_date.isoformat(),
            "federation": "IPF",
            "location": "Leeds",
            "csrf_token": page_token(meet_page),
        }
        saved = first.post("/planner/meets/new", data=meet_form)
        assert_normal(saved, 303, "saving the meet")
        planner_page = first.get("/planner")
        assert_normal(planner_page, 200, "the plan page")
        assert "Regionals" in planner_page.text

        # the sign-in form and the JSON API are rate-limited, their counters kept in Redis
        assert_normal(sign_in(second), 303, "sign-in with Redis down")
        assert_normal(second.get("/planner"), 200, "the plan page on the second phone")
        meets = api.get("/api/v1/meets")
        assert_normal(meets, 200, "GET /api/v1/meets with Redis down")
        assert [m["name"] for m in meets.json()["items"]] == ["Regionals"]
        assert_normal(ready(first), 503, "/readyz, Redis still down")
        outage_seconds = time.monotonic() - outage_started
        during = seen[before_outage:]
        assert all(status in (200, 303) for _, path, status in during if path != "/readyz"), during

        # Everything is in PostgreSQL; the events wait for a relay
        with fault_app.app_context():
            workout = db.session.get(Workout, workout_id)
            assert workout.completed_at is not None and workout.notes == "Moved well."
            assert (
                db.session.scalar(select(LiftEstimate.lift).filter_by(workout_id=workout_id))
                == "squat"
            )
            meet = db.session.scalars(select(Meet).filter_by(user_id=user_id)).one()
            assert meet.client_id == client_id and meet.plan is not None
            meet_id = meet.id
            db.session.remove()
        waiting = outbox(fault_app)
        assert sorted(e.name for e in waiting.values()) == ["meet.changed", "workout.completed"]
        assert all(e.enqueued_at is None and e.attempts == 0 for e in waiting.values())
        planned = meet_reminders(fault_app, meet_id)
        assert len(planned) == 3
        assert all(at is None and status == "scheduled" for _, at, status in planned)

        fault_redis.start()
        back = time.monotonic()
        wait_until(lambda: ready(first).status_code == 200, "/readyz 200", RECOVERY_SECONDS)
        recovered_in = time.monotonic() - back
    finally:
        for client in (first, second, api):
            client.close()

    # A worker relays the waiting events and runs each once
    started = time.monotonic()
    worker = fault_worker()
    wait_until(
        lambda: all_done(fault_app) and len(coach_comments(fault_app)) >= 1,
        "every event handled",
        WORK_SECONDS,
        process=worker,
    )
    ran_in = time.monotonic() - started
    redis = fault_redis.client()
    try:
        handled = outbox(fault_app)
        comments = coach_comments(fault_app)
        completed_event = next(e for e in handled.values() if e.name == "workout.completed")
        assert comments == [(f"event:{completed_event.id}", comments[0][1])] and comments[0][1]
        planned = meet_reminders(fault_app, meet_id)
        assert all(at is not None and status == "scheduled" for _, at, status in planned)
        jobs_due = scheduled(redis)
        assert sorted(jobs_due) == sorted(job_id for job_id, _, _ in planned)
        # each at its due time (the job id ends with it)
        assert all(int(at) == int(job_id.rsplit("-", 1)[1]) for job_id, at in jobs_due.items())
        assert_ran_once(handled)

        # A second worker, a relay run and every event delivered again change nothing
        worker.stop()
        second_worker = fault_worker()
        with fault_app.app_context():
            assert events.dispatch_pending() == 0
            db.session.remove()
        redelivered = redeliver(fault_app, handled)
        wait_until(
            lambda: all(job.get_status(refresh=True) == JobStatus.FINISHED for job in redelivered),
            "the redelivered jobs ran",
            WORK_SECONDS,
            process=second_worker,
        )
        assert [job.return_value() for job in redelivered] == ["skipped"] * len(redelivered)
        assert coach_comments(fault_app) == comments
        assert scheduled(redis) == jobs_due
        assert meet_reminders(fault_app, meet_id) == planned
        assert_ran_once(outbox(fault_app), handled)
        with fault_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(AiExchange)) == 1
            db.session.remove()
    finally:
        redis.close()
    web_log = fault_web.output()
    assert "Error handling request" not in web_log  # gunicorn's own bare 500
    # the rate-limited requests were counted in memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED)
    assert "falling back to in-memory storage" in web_log
    print(
        f"\nRedis down {outage_seconds:.1f} s: {len(during)} requests, each answered normally; "
        f"/readyz 200 again {recovered_in:.2f} s after it returned; "
        f"{len(handled)} events handled {ran_in:.1f} s after the worker started; "
        f"{len(redelivered)} redelivered jobs skipped"
    )


def assert_ran_once(handled: dict[int, OutboxEvent], before=None) -> None:
    """Every event done after exactly one attempt, none failed (unchanged since ``before``)."""
    names = sorted(e.name for e in handled.values())
    assert names == ["dm.message.sent", "meet.changed", "workout.completed"], names
    for event in handled.values():
        assert event.done_at is not None and event.failed_at is None, (event.name, event.error)
        assert event.attempts == 1, (event.name, event.attempts)
        if before is not None:
            assert event.done_at == before[event.id].done_at


def redeliver(app, handled: dict[int, OutboxEvent]) -> list[Job]:
    """Hand every event's job to RQ again under its own id, as a duplicate delivery would."""
    with app.app_context():
        delivered = []
        for event in handled.values():
            queue: Queue = jobs.queue(events.KINDS[event.name].queue)
            delivered.append(
                queue.enqueue(events.JOB, event.id, job_id=f"{events.JOB_ID_PREFIX}{event.id}")
            )
    return delivered
