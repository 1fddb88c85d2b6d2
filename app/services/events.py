"""The transactional outbox: record an event in the same transaction as its data, relay it
to RQ afterwards. Nothing is lost when Redis is down (the row waits for the next relay),
nothing runs twice for one event (a job per event id, handlers idempotent by event id), and
a malformed event fails where it is written (each payload is checked against its JSON Schema
in ``app/events/schemas/<name>.json``).

Events, their queues and handlers are listed in KINDS. The relay runs in every RQ worker
process (``workers.worker.GracefulWorker``), right after a commit (``relay_soon``) and on
demand (``flask relay``); rows are claimed with ``FOR UPDATE SKIP LOCKED`` so any number of
relays can run at once and each event is enqueued once.

A handler that raises is retried by RQ with backoff (the kind's ``retry`` intervals); the
handlers themselves turn permanent problems (a file that isn't a video, a message that is
gone) into an outcome instead of raising, so only transient errors are retried. An event
whose last try failed, or whose worker died on the last try, gets ``failed_at`` and is
listed for admins at /admin/jobs with a Retry button (``retry``).
"""

from __future__ import annotations

import importlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from jsonschema import Draft202012Validator, FormatChecker
from redis.exceptions import RedisError
from rq import Callback, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import OutboxEvent
from app.models.types import utcnow
from app.services import reminders

log = logging.getLogger(__name__)

JOB = "workers.events.handle_event"
JOB_ID_PREFIX = "event-"  # an event's job is f"event-{id}": one job per event
ON_FAILURE = "workers.events.event_failed"
SCHEMAS = Path(__file__).resolve().parents[1] / "events" / "schemas"


@dataclass(frozen=True)
class Kind:
    """How one event is handled: the RQ ``queue``, the ``handler`` ("module:function",
    called with the OutboxEvent), the job's ``timeout`` (seconds) and the ``retry`` backoff
    (seconds before each retry; its length is the number of retries)."""

    queue: str
    handler: str
    timeout: int
    retry: tuple[int, ...]


KINDS: dict[str, Kind] = {
    "coach.reply.requested": Kind(
        "ai", "app.services.coach_ai:reply_to_message", 120, (10, 60, 300)
    ),
    "workout.completed": Kind("ai", "app.services.coach_ai:comment_on_workout", 120, (10, 60, 300)),
    "media.uploaded": Kind("media", "app.services.posts:on_media_uploaded", 900, (30, 120)),
    "meet.changed": Kind("reminders", "app.services.reminders:on_meet_changed", 60, (10, 60, 300)),
    "dm.message.sent": Kind("default", "app.services.push:on_message_sent", 60, (10, 60, 300)),
}


class EventSchemaError(ValueError):
    """An event whose name is unknown or whose payload doesn't match its JSON Schema."""


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def validate(name: str, payload: dict) -> None:
    """Check ``payload`` against the JSON Schema (draft 2020-12) of event ``name``.
    Raises EventSchemaError naming the event and the first problem."""
    if name not in KINDS:
        raise EventSchemaError(f"unknown event {name!r}; expected one of {sorted(KINDS)}")
    error = next(iter(_validator(name).iter_errors(payload)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "payload"
        raise EventSchemaError(f"event {name!r}: {where}: {error.message}")


def record(name: str, payload: dict) -> OutboxEvent:
    """Add an event to the current unit of work (no commit: it commits with the data).
    Raises EventSchemaError for an unknown name or a payload that breaks the schema."""
    validate(name, payload)
    event = OutboxEvent(name=name, payload=payload)
    db.session.add(event)
    return event


def relay_soon() -> int:
    """Hand pending events over right after a commit, so work doesn't wait for a worker's
    relay; a failure here is harmless (the workers' relays pick the events up)."""
    try:
        return dispatch_pending()
    except Exception:  # noqa: BLE001 - a worker's relay picks the events up later
        log.exception("outbox relay after commit failed; a worker's relay will retry")
        db.session.rollback()
        return 0


def dispatch_pending(limit: int = 100) -> int:
    """The relay: enqueue up to ``limit`` events not yet handed to RQ, oldest first, and
    return how many.

    Rows are claimed with FOR UPDATE SKIP LOCKED, enqueued while the lock is held, and marked
    handed over in the same transaction, so relays running at once never enqueue one event
    twice, and a relay that dies (SIGKILL, a shutdown mid-loop) leaves its rows unmarked for
    the next one: delivery is at least once, and handlers are idempotent by event id. On a
    Redis error the rows not yet handed over stay pending. In-process mode (no Redis) runs
    each job right here, after marking it."""
    claimed = db.session.scalars(
        select(OutboxEvent)
        .filter(OutboxEvent.enqueued_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if jobs.in_process():  # the jobs run inline and commit in this very session
        ids = [(event.id, event.name) for event in claimed]
        for event in claimed:
            event.enqueued_at = utcnow()
        db.session.commit()
        for event_id, name in ids:
            _enqueue(event_id, name)
        return len(ids)
    handed = []
    for event in claimed:
        try:
            _enqueue(event.id, event.name)
        except RedisError as error:
            log.warning("outbox relay: Redis unavailable (%s); will retry", error)
            break
        handed.append(event)
    now = utcnow()
    for event in handed:
        event.enqueued_at = now
    db.session.commit()  # the claims end here; rows not handed over stay pending
    return len(handed)


def _enqueue(event_id: int, name: str) -> None:
    """One RQ job per event (job id ``event-<id>``), with the kind's timeout and backoff."""
    kind = KINDS[name]
    backoff = [round(seconds * current_app.config["OUTBOX_RETRY_SCALE"]) for seconds in kind.retry]
    jobs.queue(kind.queue).enqueue(
        JOB,
        event_id,
        job_id=f"{JOB_ID_PREFIX}{event_id}",
        job_timeout=kind.timeout,
        retry=Retry(max=len(backoff), interval=backoff),
        on_failure=Callback(ON_FAILURE),
        description=f"{name} #{event_id}",
    )


LOST_AFTER = timedelta(minutes=10)
ALIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


def requeue_lost(older_than: timedelta = LOST_AFTER, limit: int = 100) -> int:
    """The sweeper: events handed to RQ more than ``older_than`` ago and neither done nor
    failed, whose job RQ no longer has alive (Redis lost it: no persistence, a flush, a
    failover; or the job ended without its handler finishing), go back to the relay. A job
    RQ gave up on marks its event failed. Returns how many were put back. Jobs still
    queued, running or waiting for a retry are left alone, however old."""
    if jobs.in_process():
        return 0
    cutoff = utcnow() - older_than
    stale = db.session.scalars(
        select(OutboxEvent)
        .filter(
            OutboxEvent.enqueued_at < cutoff,
            OutboxEvent.done_at.is_(None),
            OutboxEvent.failed_at.is_(None),
        )
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    requeued = 0
    try:
        for event in stale:
            connection = jobs.queue(KINDS[event.name].queue).connection
            try:
                status = Job.fetch(f"{JOB_ID_PREFIX}{event.id}", connection=connection).get_status()
            except NoSuchJobError:
                status = None
            if status in ALIVE:
                continue
            if status == JobStatus.FAILED:
                event.failed_at, event.error = utcnow(), event.error or "RQ gave up on the job"
                continue
            log.warning(
                "outbox event %s (%s) lost its job (%s): relayed again",
                event.id,
                event.name,
                status or "gone",
            )
            event.enqueued_at = None
            requeued += 1
    except RedisError as error:
        log.warning("outbox sweep: Redis unavailable (%s)", error)
    db.session.commit()
    try:
        reminders.requeue_lost(older_than)  # the jobs meet.changed handed to RQ's scheduler
    except RedisError as error:
        db.session.rollback()
        log.warning("reminder sweep: Redis unavailable (%s)", error)
    return requeued


def handler_of(name: str):
    """The handler function of event ``name`` (KeyError for an unknown one)."""
    module, function = KINDS[name].handler.split(":")
    return getattr(importlib.import_module(module), function)


def handle(event_id: int) -> str:
    """The job: run the event's handler once. Returns 'done', or 'skipped' (already done or
    gone). Raises what the handler raises so RQ retries it (job_failed records the try)."""
    event = db.session.get(OutboxEvent, event_id)
    if event is None or event.done_at is not None:
        return "skipped"
    event.attempts += 1
    db.session.commit()
    try:
        handler_of(event.name)(event)
    except Exception:
        db.session.rollback()
        raise
    event.done_at, event.failed_at, event.error = utcnow(), None, None
    db.session.commit()
    return "done"


def job_failed(job, error: str) -> None:
    """Record a failed try of an event's RQ ``job``: from RQ's failure callback (a handler
    that raised, a job found abandoned) and from the worker when its horse died (where RQ
    runs no callback). On the last try (no retries left, or jobs run in-process, where
    nothing is retried) the event is listed as failed."""
    mark_failed(job.args[0], error, final=jobs.in_process() or not job.retries_left)


def mark_failed(event_id: int, error: str, final: bool) -> None:
    """Record ``error`` on the event; with ``final`` it is listed as failed (committed)."""
    event = db.session.get(OutboxEvent, event_id)
    if event is None or event.done_at is not None:
        return
    event.error = error[:500]
    if final:
        event.failed_at = utcnow()
        log.error("outbox event %s (%s) failed for good: %s", event_id, event.name, error)
    db.session.commit()


def failed(limit: int = 100) -> list[OutboxEvent]:
    """Events whose last try failed, newest first."""
    query = (
        select(OutboxEvent)
        .filter(OutboxEvent.failed_at.is_not(None), OutboxEvent.done_at.is_(None))
        .order_by(OutboxEvent.failed_at.desc(), OutboxEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def retry(event_id: int) -> bool:
    """Queue a failed event again (an admin's Retry): it goes back to the relay with its
    error kept until it succeeds. Returns False if it isn't failed (done, pending or gone)."""
    updated = db.session.execute(
        db.update(OutboxEvent)
        .filter(
            OutboxEvent.id == event_id,
            OutboxEvent.failed_at.is_not(None),
            OutboxEvent.done_at.is_(None),
        )
        .values(failed_at=None, enqueued_at=None)
    ).rowcount
    db.session.commit()
    if updated:
        _forget_failed_job(event_id)
        relay_soon()
    return bool(updated)


def _forget_failed_job(event_id: int) -> None:
    """Take the event's old job out of RQ's failed list (the relay makes a new one)."""
    if jobs.in_process():
        return
    job_id = f"{JOB_ID_PREFIX}{event_id}"
    try:
        for name in jobs.QUEUE_NAMES:
            registry = jobs.queue(name).failed_job_registry
            if job_id in registry:
                registry.remove(job_id)
    except RedisError as error:
        log.warning("outbox retry: RQ's failed list not cleaned (%s)", error)


def counts() -> dict[str, int]:
    """How many events are waiting for the relay, handed to RQ, failed and done."""
    e = OutboxEvent
    rows = db.session.execute(
        select(
            db.func.count().filter(e.enqueued_at.is_(None)),
            db.func.count().filter(
                e.enqueued_at.is_not(None), e.done_at.is_(None), e.failed_at.is_(None)
            ),
            db.func.count().filter(e.failed_at.is_not(None), e.done_at.is_(None)),
            db.func.count().filter(e.done_at.is_not(None)),
        )
    ).one()
    return dict(zip(("waiting", "queued", "failed", "done"), rows, strict=True))
