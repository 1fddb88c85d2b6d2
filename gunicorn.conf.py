"""Gunicorn settings for the Procfile's web process (`gunicorn -c gunicorn.conf.py wsgi:app`).

Heroku-style: $PORT and $WEB_CONCURRENCY from the platform; the GUNICORN_* variables below
override the rest. The router gives a request 30 s and a dyno 30 s between SIGTERM and SIGKILL,
so both of our limits stay under that.
"""

import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", 2)
# Sync workers by default: chats poll (see app/web/dms/routes.py), nothing holds a worker for
# long. GUNICORN_THREADS > 1 switches to gthread, where keepalive applies.
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)  # SIGTERM: finish in-flight requests
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # behind the router's pooled connections (gthread)
# Recycle workers now and then so a slow leak never takes a dyno down; the jitter keeps them
# from restarting all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Load the app once in the master: a bad setting (say, no SECRET_KEY) stops the boot with one
# clear error instead of workers crashing in a loop, and workers share the code's memory.
# create_app() opens no connections, and post_fork below drops any pooled one anyway.
preload_app = True
# The worker heartbeat file: in memory where there is /dev/shm (containers' /tmp may be disk).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
control_socket_disable = True  # no runtime control socket: the platform manages the process

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One line per request with the id the app logged it under (echoed in X-Request-ID).
access_log_format = (
    'request_id=%({x-request-id}o)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
)


def post_fork(server, worker):
    """Each worker starts with an empty database pool: connections never cross a fork."""
    from app.extensions import db

    app = server.app.wsgi()
    if hasattr(app, "app_context"):
        with app.app_context():
            db.engine.dispose(close=False)
