"""Outbox event jobs (queue 'ai' for the coach's replies and comments)."""

from __future__ import annotations

from workers import app_context


def handle_event(event_id: int) -> str:
    """Run the handler of one outbox event; safe to run more than once."""
    from app.services import events

    with app_context():
        return events.handle(event_id)
