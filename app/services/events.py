"""The transactional outbox: record an event in the same transaction as its data, relay it
to RQ afterwards. Nothing is lost when Redis is down (the row waits for the next relay) and
nothing runs twice for one event (handlers are idempotent by event id).

Events and their handlers:
- 'coach.reply.requested' {message_id, athlete_id}: the AI coach answers a message.
- 'workout.completed' {workout_id, user_id}: the AI coach comments on the workout.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import OutboxEvent
from app.models.types import utcnow

log = logging.getLogger(__name__)

JOB = "workers.events.handle_event"
QUEUES = {"coach.reply.requested": "ai", "workout.completed": "ai"}


def record(name: str, payload: dict) -> OutboxEvent:
    """Add an event to the current unit of work (no commit: it commits with the data).
    Raises ValueError for an event name without a handler."""
    if name not in QUEUES:
        raise ValueError(f"unknown event {name!r}; expected one of {sorted(QUEUES)}")
    event = OutboxEvent(name=name, payload=payload)
    db.session.add(event)
    return event


def relay_soon() -> int:
    """Hand pending events over right after a commit, so replies don't wait for the clock
    process; a failure here is harmless (the relay retries)."""
    try:
        return dispatch_pending()
    except Exception:  # noqa: BLE001 - the clock relay picks the events up later
        log.exception("outbox relay after commit failed; the clock relay will retry")
        db.session.rollback()
        return 0


def dispatch_pending(limit: int = 100) -> int:
    """Enqueue events not yet handed to RQ (several relays may run: rows are claimed with
    SKIP LOCKED). In-process mode (no Redis) runs each job right here. Returns how many."""
    claimed = db.session.scalars(
        select(OutboxEvent)
        .filter(OutboxEvent.enqueued_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    ids = [(event.id, event.name) for event in claimed]
    for event in claimed:
        event.enqueued_at = utcnow()
    db.session.commit()
    handed = 0
    for event_id, name in ids:
        try:
            jobs.queue(QUEUES[name]).enqueue(
                JOB,
                event_id,
                job_id=f"event-{event_id}",
                job_timeout=120,
                retry=Retry(max=3, interval=[10, 60, 300]),
            )
        except RedisError as error:
            db.session.execute(
                db.update(OutboxEvent)
                .filter(OutboxEvent.id.in_([i for i, _ in ids[handed:]]))
                .values(enqueued_at=None)
            )
            db.session.commit()
            log.warning("outbox relay: Redis unavailable (%s); will retry", error)
            break
        handed += 1
    return handed


def handle(event_id: int) -> str:
    """The job: run the event's handler once. Returns 'done', 'skipped' (already done or
    gone); raises what the handler raises so RQ retries it."""
    from app.services import coach_ai

    event = db.session.get(OutboxEvent, event_id)
    if event is None or event.done_at is not None:
        return "skipped"
    event.attempts += 1
    db.session.commit()
    handlers = {
        "coach.reply.requested": coach_ai.reply_to_message,
        "workout.completed": coach_ai.comment_on_workout,
    }
    try:
        handlers[event.name](event)
    except Exception as error:
        db.session.rollback()
        event = db.session.get(OutboxEvent, event_id)
        event.error = str(error)[:500]
        db.session.commit()
        raise
    event.done_at = utcnow()
    db.session.commit()
    return "done"
