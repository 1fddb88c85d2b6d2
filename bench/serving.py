"""Serve the app under gunicorn for a benchmark (bench_wsgi.py: built assets, no rebuilds)
and sign in through the real form, as a browser would."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests

BENCH = Path(__file__).resolve().parent

# One browser for the whole benchmark: the sign-in and the load generator send the same
# User-Agent, as a phone does. Flask-Login's session protection fingerprints the address and
# User-Agent; a load generator presenting another one is "a different device" on every
# request (the session is marked not fresh and re-signed into a new cookie each time).
USER_AGENT = "Meetday-bench/1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str,
    *,
    workers: int = 2,
    threads: int = 1,
    csrf: bool = False,
    env: dict | None = None,
) -> Iterator[str]:
    """Run gunicorn (``workers`` processes, sync ones unless ``threads`` > 1) on a free local
    port; yields the base URL. ``csrf`` keeps Flask-WTF's CSRF check on, as in production.

    A browser talking to gunicorn with no proxy between needs ``threads``: it opens spare
    connections and sends nothing on them, and each such connection holds a sync worker until
    gunicorn kills it (Heroku's router buffers requests, so production is not affected)."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench_wsgi:app",
            "--chdir",
            str(BENCH),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env={
            **os.environ,
            **(env or {}),
            "BENCH_DATABASE_URL": database_url,
            "BENCH_CSRF": "1" if csrf else "0",
        },
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        try:
            requests.get(f"{base}/healthz", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.1)
    sys.exit(f"gunicorn did not answer on {base} within {seconds:.0f} s")


def csrf_token(html: str) -> str | None:
    """The hidden csrf_token of the first form on a page, if it has one."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    return match.group(1) if match else None


def sign_in(base: str, email: str, password: str) -> requests.Session:
    """A requests session signed in through the sign-in form (CSRF token included)."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    page = session.get(f"{base}/auth/sign-in", timeout=30)
    data = {"email": email, "password": password}
    token = csrf_token(page.text)
    if token:
        data["csrf_token"] = token
    answer = session.post(f"{base}/auth/sign-in", data=data, timeout=30, allow_redirects=False)
    if answer.status_code not in (302, 303):
        sys.exit(f"sign-in as {email} failed: HTTP {answer.status_code}")
    # The page signing in leads to, as a browser would open it: its cookie then holds the
    # session's CSRF token, which every page renders. Without it each request of the load
    # would mint a token and send back a new cookie the load generator never keeps.
    session.get(urljoin(f"{base}/", answer.headers["Location"]), timeout=30)
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)
