"""The Procfile's processes (web, worker) run as a dyno would, against throwaway servers."""

from __future__ import annotations

import os
import shlex
import string
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx
from redis import Redis

from tests.faults.processes import STOP_SECONDS, Process, free_port, tail, wait_until
from tests.faults.servers import ThrowawayPostgres, ThrowawayRedis

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SECRET_KEY = "fault-tests-not-secret"


def procfile_command(name: str, env: Mapping[str, str]) -> list[str]:
    """The Procfile's ``name`` line as an argv: $VARIABLES filled in from ``env``, the
    command itself from this virtualenv when it is there."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        kind, _, command = line.partition(":")
        if kind.strip() == name:
            argv = [string.Template(part).substitute(env) for part in shlex.split(command)]
            local = VENV_BIN / argv[0]
            return [str(local) if local.exists() else argv[0], *argv[1:]]
    raise KeyError(f"no {name!r} process in the Procfile")


def app_env(pg: ThrowawayPostgres, redis: ThrowawayRedis, scratch: Path, **extra) -> dict:
    """What a dyno's environment holds, for the throwaway servers: production settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEST_", "GUNICORN_", "PYTEST_"))
        and key not in {"DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "PORT"}
    }
    env.update(
        DATABASE_URL=pg.dsn,  # plain postgresql://, as a platform gives it
        REDIS_URL=redis.url,
        SECRET_KEY=SECRET_KEY,
        MEETDAY_ENV="production",
        MEDIA_ROOT=str(scratch / "media"),
        UPLOAD_SCRATCH=str(scratch / "uploads"),
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class WebServer:
    """The Procfile's web process (gunicorn -c gunicorn.conf.py wsgi:app) on ``port``."""

    def __init__(self, env: Mapping[str, str], log_path: Path, port: int | None = None):
        self.port = port or free_port()
        env = {**env, "PORT": str(self.port)}
        self.process = Process(procfile_command("web", env), log_path, cwd=ROOT, env=env)
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            wait_until(self.healthy, f"gunicorn on {self.port}", process=self.process)
        except (RuntimeError, TimeoutError):
            self.process.destroy()
            raise

    def healthy(self) -> bool:
        return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200

    def stop(self, seconds: float = STOP_SECONDS) -> None:
        """SIGTERM to the master, which lets its workers finish and reaps them; SIGKILL to
        every process left after ``seconds``."""
        self.process.terminate()
        try:
            self.process.wait(seconds)
        finally:
            self.process.destroy()

    def output(self) -> str:
        return self.process.output()


def start_worker(env: Mapping[str, str], log_path: Path, *queues: str, wait: bool = True):
    """The Procfile's worker process (rq worker, GracefulWorker, with the scheduler), on
    ``queues`` instead of the Procfile's if given. With ``wait``, returns once the worker
    has registered with Redis (it is then taking jobs). Returns the Process (a Popen):
    ``.signal_all(signal.SIGKILL)`` kills it and its work horse, ``.stop()`` is a SIGTERM."""
    argv = procfile_command("worker", env)
    if queues:
        first_queue = next(i for i, part in enumerate(argv) if part == env["REDIS_URL"]) + 1
        argv = [*argv[:first_queue], *queues]
    process = Process(argv, log_path, cwd=ROOT, env=dict(env))
    if wait:
        try:
            wait_until(
                lambda: worker_registered(env["REDIS_URL"], process.pid),
                "RQ worker registered",
                process=process,
            )
        except (RuntimeError, TimeoutError) as error:
            process.destroy()
            raise RuntimeError(f"{error}\n{tail(log_path)}") from error
    return process


def worker_registered(redis_url: str, pid: int) -> bool:
    from rq import Worker

    with Redis.from_url(redis_url, socket_connect_timeout=2) as connection:
        return any(worker.pid == pid for worker in Worker.all(connection=connection))
