"""Throwaway PostgreSQL and Redis servers of a test's own, on free ports."""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import psycopg
from redis import Redis
from redis.exceptions import RedisError

from tests.faults.processes import (
    STOP_SECONDS,
    Process,
    as_user,
    free_port,
    owned_dir,
    require_binary,
    server_user,
    session_members,
    tail,
    wait_until,
)

PG_BIN_DIRS = [Path("/usr/local/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))[::-1]]


# PostgreSQL -------------------------------------------------------------------------------------


class PostgresTemplate:
    """One initdb'd cluster (trust auth) that every ThrowawayPostgres copies."""

    def __init__(self):
        self.initdb = require_binary("initdb", PG_BIN_DIRS)
        self.postgres = require_binary("postgres", PG_BIN_DIRS)
        self.user = server_user()
        self.root = owned_dir("meetday-pg-template-", self.user)
        self.data = self.root / "data"
        argv = [self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust"]
        argv += ["-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"]
        done = subprocess.run(
            argv, cwd=self.root, capture_output=True, text=True, **as_user(self.user)
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class ThrowawayPostgres:
    """A PostgreSQL server of our own: a copy of the template cluster on a free port.

    ``start()`` runs the postmaster (as ``template.user`` under root) and waits until it
    accepts connections; ``stop(mode)`` shuts it down as ``pg_ctl stop -m mode`` would
    (smart, fast or immediate: SIGTERM, SIGINT or SIGQUIT to the postmaster) and waits for
    it to exit; ``kill()`` SIGKILLs every one of its processes (a crash: the next start
    recovers from the WAL); ``restart(mode)`` stops and starts it on the same port.
    ``url`` is for SQLAlchemy, ``dsn`` is what a platform puts in DATABASE_URL.
    """

    STOP_SIGNALS = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}

    def __init__(self, template: PostgresTemplate, port: int | None = None):
        self.template = template
        self.port = port or free_port()
        self.root = owned_dir("meetday-pg-", template.user)
        self.data = self.root / "data"
        # cp -a keeps the owner and the 0700 mode PostgreSQL insists on
        subprocess.run(["cp", "-a", str(template.data), str(self.data)], check=True)
        self.process: Process | None = None
        self.starts = 0

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        assert not self.running, "already running"
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.root),
            "fsync": "off",  # throwaway data: speed over durability (a crash here is SIGKILL,
            "full_page_writes": "off",  # not a power cut, so the page cache still has it all)
            "max_connections": "200",
            "shared_buffers": "32MB",
        }
        argv = [self.template.postgres, "-D", str(self.data), "-p", str(self.port)]
        for name, value in settings.items():
            argv += ["-c", f"{name}={value}"]
        log_path = self.root / "postgres.log"
        self.process = Process(argv, log_path, cwd=self.root, **as_user(self.template.user))
        self.starts += 1
        wait_until(self.accepts_connections, f"PostgreSQL on {self.port}", process=self.process)

    def accepts_connections(self) -> bool:
        with psycopg.connect(self.dsn, connect_timeout=2) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)

    def stop(self, mode: str = "fast") -> None:
        if not self.running:
            return
        self.process.send_signal(self.STOP_SIGNALS[mode])
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        # backends exit right after the postmaster; a new one must not find them
        wait_until(lambda: not session_members(self.process.pid), "PostgreSQL exited", 10)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.destroy()

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def log(self) -> str:
        return tail(self.root / "postgres.log")

    def remove(self) -> None:
        """Stop (immediate: the postmaster still reaps its backends) and delete the data."""
        try:
            self.stop("immediate")
        finally:
            self.kill()
            shutil.rmtree(self.root, ignore_errors=True)


# Redis ------------------------------------------------------------------------------------------


class ThrowawayRedis:
    """A redis-server of our own on a free port, persisting like a production Redis with AOF
    (every write fsynced), so what was queued survives ``stop()``/``start()``.

    ``stop()`` is a SIGTERM (Redis flushes the AOF and exits) and waits; ``kill()`` is a
    SIGKILL; ``restart()`` stops and starts it on the same port and folder.
    """

    def __init__(self, port: int | None = None):
        self.binary = require_binary("redis-server")
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="meetday-redis-"))
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def client(self, **options) -> Redis:
        return Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5, **options)

    def start(self) -> None:
        assert not self.running, "already running"
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "yes", "--appendfsync", "always"]
        argv += ["--dir", str(self.root), "--protected-mode", "no", "--daemonize", "no"]
        self.process = Process(argv, self.root / "redis.log", cwd=self.root)
        wait_until(self.answers, f"Redis on {self.port}", process=self.process)

    def answers(self) -> bool:
        client = self.client()
        try:
            return client.ping()
        except RedisError:
            return False
        finally:
            client.close()

    def stop(self) -> None:
        if self.running:
            self.process.stop()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.destroy()

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return tail(self.root / "redis.log")

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            self.kill()
            shutil.rmtree(self.root, ignore_errors=True)
