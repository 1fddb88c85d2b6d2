"""Web Push jobs (queue 'reminders' for meet reminders, 'default' for messages)."""

from __future__ import annotations

from workers import app_context


def send_push(user_id: int, payload: dict) -> dict:
    """Send ``payload`` to every device the user subscribed; returns the counts. Not
    deduplicated: a retried job pushes again, and the payload's tag makes the browser
    replace the first notification rather than show two."""
    from dataclasses import asdict

    from app.services import push

    with app_context():
        return asdict(push.send_to_user(user_id, payload))
