"""Fault-injection harness: real, throwaway servers and the app's own processes.

Every test gets its own PostgreSQL and Redis, started from this machine's binaries on free
ports, so it can stop, kill and restart them without touching the shared servers; and it can
run the Procfile's processes (gunicorn with gunicorn.conf.py and production settings, the RQ
worker) pointed at them, as a dyno would.

Fixtures
    fault_pg      a running ThrowawayPostgres (a copy of one initdb made per session):
                  .url (SQLAlchemy), .dsn (DATABASE_URL), .stop(mode="fast"|"smart"|
                  "immediate"), .start(), .restart(mode), .kill() (SIGKILL: a crash), .log()
    fault_redis   a running ThrowawayRedis (AOF, fsync always: data survives a restart):
                  .url, .client(), .stop() (SIGTERM), .start(), .restart(), .kill(), .log()
    fault_app     the app in this process on both (tests.conftest.make_app), every migration
                  applied: to set data up and check it afterwards
    fault_env     the environment a Procfile process gets (DATABASE_URL, REDIS_URL,
                  SECRET_KEY, MEETDAY_ENV=production ...); procfile.app_env(..., **extra)
                  makes another (say WEB_CONCURRENCY=4)
    fault_web     the Procfile's web process on a free port: a procfile.WebServer with .url,
                  .output() and .process
    fault_worker  start(*queues, wait=True) -> Process: the Procfile's worker line (all its
                  queues unless given), registered with Redis when it returns

A Process (processes.py) is a Popen in a session of its own with its output in .log_path:
.signal_all(sig) signals every process of it, the RQ work horse included, as a platform
signals a dyno; .stop() is SIGTERM to all then a wait; .destroy() is SIGKILL to all.

Example::

    def test_a_job_survives_a_worker_sigkill(fault_app, fault_redis, fault_worker):
        worker = fault_worker()  # registered with Redis and waiting for jobs
        ...                      # enqueue a job through fault_app, wait until it started
        worker.signal_all(signal.SIGKILL)  # the worker and its work horse, mid-job
        fault_redis.restart()    # the queue is still there (AOF)
        fault_worker()           # a new worker finds the abandoned job and retries it

Everything a fixture started is killed when it ends, pass or fail. Without a binary the
tests skip, or fail when CI is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import close_app, make_app, reset_schema
from tests.faults.processes import Process, tail
from tests.faults.procfile import WebServer, app_env, start_worker
from tests.faults.servers import PostgresTemplate, ThrowawayPostgres, ThrowawayRedis


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: fault-injection tests with real server processes")


def pytest_collection_modifyitems(items):
    for item in items:
        if f"{os.sep}faults{os.sep}" in str(item.fspath):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[PostgresTemplate]:
    template = PostgresTemplate()
    yield template
    template.remove()


def _running(server):
    """Start ``server``, yield it, and remove it (data directory included) however it ends."""
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
def fault_pg(pg_template) -> Iterator[ThrowawayPostgres]:
    yield from _running(ThrowawayPostgres(pg_template))


@pytest.fixture
def fault_redis() -> Iterator[ThrowawayRedis]:
    yield from _running(ThrowawayRedis())


@pytest.fixture
def fault_app(fault_pg, fault_redis):
    """The app in this process on the throwaway servers, every migration applied."""
    app = make_app(fault_pg.url, REDIS_URL=fault_redis.url)
    reset_schema(app)
    yield app
    close_app(app)


@pytest.fixture
def fault_scratch() -> Iterator[Path]:
    """A folder for the processes' logs and media, readable by any server user."""
    path = Path(tempfile.mkdtemp(prefix="meetday-faults-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def fault_env(fault_pg, fault_redis, fault_scratch) -> dict:
    return app_env(fault_pg, fault_redis, fault_scratch)


@pytest.fixture
def fault_web(fault_app, fault_env, fault_scratch) -> Iterator[WebServer]:
    """gunicorn with gunicorn.conf.py and production settings, on the migrated database."""
    try:
        server = WebServer(fault_env, fault_scratch / "web.log")
    except (RuntimeError, TimeoutError) as error:
        pytest.fail(f"{error}\n{tail(fault_scratch / 'web.log')}")
    yield server
    server.stop()


@pytest.fixture
def fault_worker(fault_app, fault_env, fault_scratch):
    """start(*queues, wait=True) -> Process: the Procfile's worker on the throwaway servers
    (see start_worker); every worker started is killed when the test ends."""
    started: list[Process] = []

    def start(*queues: str, wait: bool = True) -> Process:
        log_path = fault_scratch / f"worker-{len(started) + 1}.log"
        started.append(start_worker(fault_env, log_path, *queues, wait=wait))
        return started[-1]

    yield start
    for process in started:
        try:
            if process.poll() is None:
                process.stop(seconds=5)  # a warm shutdown, so RQ reaps its work horse
        except subprocess.TimeoutExpired:
            pass
        finally:
            process.destroy()
