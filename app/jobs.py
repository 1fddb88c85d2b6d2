"""RQ queues: real Redis when REDIS_URL is set, else jobs run in-process on fakeredis."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis
from rq import Queue

QUEUE_NAMES = ("default", "media", "ai", "reminders")


def connect(url: str | None) -> Redis:
    """Return a Redis client for ``url``, or an in-memory fakeredis server when None."""
    if url:
        return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    import fakeredis

    return fakeredis.FakeStrictRedis()


def init_app(app: Flask) -> None:
    """Attach ``app.extensions['redis']`` and one rq.Queue per workload name."""
    conn = connect(app.config["REDIS_URL"])
    in_process = app.config["REDIS_URL"] is None
    app.extensions["redis"] = conn
    app.extensions["queues"] = {
        name: Queue(name, connection=conn, is_async=not in_process) for name in QUEUE_NAMES
    }


def queue(name: str = "default") -> Queue:
    """The named queue of the current app (KeyError for an unknown name)."""
    return current_app.extensions["queues"][name]


def in_process() -> bool:
    """True when no Redis is configured: jobs run inline and nothing is scheduled."""
    return current_app.config["REDIS_URL"] is None
