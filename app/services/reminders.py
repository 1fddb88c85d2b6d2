"""Meet reminders: scheduled with the meet, handed to RQ when its 'meet.changed' event is
handled, delivered once."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from rq import Retry
from rq.job import Job
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import jobs
from app.domain import reminders as schedule
from app.extensions import db
from app.models import Meet, Notification, OutboxEvent, Reminder, User
from app.models.types import utcnow
from app.services import push

log = logging.getLogger(__name__)
JOB = "workers.reminders.send_meet_reminder"


def plan_for_meet(user: User, meet: Meet, now: datetime) -> None:
    """Create or move the meet's reminders in the current unit of work (flush, no commit).

    A reminder whose time has passed is marked skipped; one that moves is handed to RQ again
    (its old job finds the due time changed and does nothing).
    """
    existing = {r.kind: r for r in db.session.scalars(select(Reminder).filter_by(meet_id=meet.id))}
    for kind, due in schedule.reminder_times(meet.meet_date, user.time_zone):
        reminder = existing.get(kind) or Reminder(user_id=user.id, meet_id=meet.id, kind=kind)
        if reminder.status == "sent" and reminder.due_at == due:
            continue
        reminder.due_at, reminder.enqueued_at, reminder.sent_at = due, None, None
        reminder.status = "scheduled" if due > now else "skipped"
        db.session.add(reminder)
    db.session.flush()


def job_id(reminder: Reminder) -> str:
    return f"reminder-{reminder.id}-{int(reminder.due_at.timestamp())}"


def on_meet_changed(event: OutboxEvent) -> int:
    """Handler of 'meet.changed': hand the meet's scheduled reminders not yet given to RQ to
    the 'reminders' queue, each at its due time (enqueue_at; now if already due). Returns
    how many. Safe to run twice: a reminder handed over is marked, and its job id (reminder
    and due time) makes a repeat replace, not add, a job. Raises RedisError so RQ retries.
    In-process mode (no Redis, no scheduler) hands nothing over: deliver_due() delivers."""
    if jobs.in_process():
        return 0
    now = utcnow()
    query = (
        select(Reminder)
        .filter(
            Reminder.meet_id == event.payload["meet_id"],
            Reminder.status == "scheduled",
            Reminder.enqueued_at.is_(None),
        )
        .order_by(Reminder.due_at)
        .with_for_update(skip_locked=True)
    )
    queue = jobs.queue("reminders")
    handed = 0
    for reminder in db.session.scalars(query).all():
        _hand_over(queue, reminder, now)
        handed += 1
    db.session.commit()
    return handed


def _hand_over(queue, reminder: Reminder, now: datetime) -> None:
    """Enqueue the reminder's job at its due time (now if already due) and mark it."""
    args = (reminder.id, int(reminder.due_at.timestamp()))
    retry = Retry(max=3, interval=current_app.config["REMINDER_RETRY_SECONDS"])
    options = {"job_id": job_id(reminder), "retry": retry, "job_timeout": 60}
    if reminder.due_at <= now:
        queue.enqueue(JOB, *args, **options)
    else:
        queue.enqueue_at(reminder.due_at, JOB, *args, **options)
    reminder.enqueued_at = now


def requeue_lost(older_than: timedelta = timedelta(minutes=10)) -> int:
    """The sweeper for reminders: a scheduled reminder handed to RQ over ``older_than`` ago
    whose job Redis no longer has (no persistence, a flush, a failover) is handed over again.
    Returns how many. Raises RedisError (the caller's sweep tries again later)."""
    if jobs.in_process():
        return 0
    now = utcnow()
    query = (
        select(Reminder)
        .filter(Reminder.status == "scheduled", Reminder.enqueued_at < now - older_than)
        .order_by(Reminder.due_at)
        .with_for_update(skip_locked=True)
    )
    queue = jobs.queue("reminders")
    lost = [
        reminder
        for reminder in db.session.scalars(query).all()
        if not Job.exists(job_id(reminder), connection=queue.connection)
    ]
    for reminder in lost:
        log.warning("reminder %s lost its job in Redis: handed over again", reminder.id)
        _hand_over(queue, reminder, now)
    db.session.commit()
    return len(lost)


def deliver(reminder_id: int, due_ts: int) -> str:
    """The job: turn the reminder into one notification. Safe to run twice or after a crash:
    a stale due time or a finished reminder does nothing, and the notification's dedupe key
    means a retry never adds a second one. Returns what happened."""
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None or reminder.status != "scheduled":
        return "gone"
    if int(reminder.due_at.timestamp()) != due_ts:
        return "moved"
    title, body = schedule.message(reminder.kind, reminder.meet.name, reminder.meet.meet_date)
    key = f"reminder-{reminder.id}-{due_ts}"
    try:
        db.session.add(
            Notification(
                user_id=reminder.user_id, dedupe_key=key, title=title, body=body, url="/planner"
            )
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # delivered by an earlier attempt that died before finishing
    _fault_point()
    reminder = db.session.get(Reminder, reminder_id)
    reminder.status, reminder.sent_at = "sent", utcnow()
    db.session.commit()
    push.notify(
        reminder.user_id,
        {"title": title, "body": body, "url": "/planner", "tag": key},
        "reminders",
        f"push-{key}",
    )
    return "sent"


def deliver_due(user: User, now: datetime | None = None) -> int:
    """In-process mode (no Redis worker): deliver this user's reminders that are due now."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Reminder).filter(
            Reminder.user_id == user.id, Reminder.status == "scheduled", Reminder.due_at <= now
        )
    ).all()
    return sum(deliver(r.id, int(r.due_at.timestamp())) == "sent" for r in due)


def _fault_point() -> None:
    """Tests kill the worker here once (the file named by MEETDAY_KILL_JOB_ONCE exists)."""
    marker = os.environ.get("MEETDAY_KILL_JOB_ONCE")
    if marker and Path(marker).exists():
        Path(marker).unlink()
        os._exit(1)
