"""Reminder jobs (queue 'reminders')."""

from __future__ import annotations

from workers import app_context


def send_meet_reminder(reminder_id: int, due_ts: int) -> str:
    """Deliver one meet reminder as an in-app notification; safe to run more than once."""
    from app.services import reminders

    with app_context():
        return reminders.deliver(reminder_id, due_ts)
