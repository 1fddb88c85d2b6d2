"""Outbox event jobs (services/events.py lists each event's queue)."""

from __future__ import annotations

from workers import app_context


def handle_event(event_id: int) -> str:
    """Run the handler of one outbox event; safe to run more than once."""
    from app.services import events

    with app_context():
        return events.handle(event_id)


def event_failed(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ's failure callback for event jobs. It also runs for a job whose worker died
    (SIGKILL, out of memory: RQ finds it abandoned), where handle() had no chance to record
    anything; on the last try the event is listed as failed for an admin to retry."""
    from app.services import events

    with app_context():
        events.job_failed(job, f"{getattr(exc_type, '__name__', 'Error')}: {exc_value}")
