"""Child processes for the fault tests: each in a session of its own, so a test can signal
all of it (as a platform signals a dyno) and the harness can always kill all of it; polling
with a deadline; finding this machine's server binaries."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import IN_CI

READY_SECONDS = 30.0  # how long a server may take to accept connections
STOP_SECONDS = 30.0  # and to exit once told to


# Binaries ---------------------------------------------------------------------------------------


def find_binary(name: str, dirs: list[Path] = ()) -> str | None:
    """``name`` on PATH, else in one of ``dirs``."""
    found = shutil.which(name)
    if found:
        return found
    for folder in dirs:
        if (folder / name).is_file():
            return str(folder / name)
    return None


def require_binary(name: str, dirs: list[Path] = ()) -> str:
    """The path of ``name``; skips the test without it (fails it when CI is set)."""
    path = find_binary(name, dirs)
    if path is None:
        message = f"{name} not found (PATH, {', '.join(map(str, dirs)) or 'no other place'})"
        if IN_CI:
            pytest.fail(f"CI needs {message} for the fault tests")
        pytest.skip(f"{message}: the fault tests start their own servers")
    return path


# Small helpers ----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], bool], what: str, seconds: float = READY_SECONDS, process=None):
    """Poll ``check`` until it returns true; fail after ``seconds``, or at once if ``process``
    (a Popen) has exited meanwhile. Exceptions from ``check`` count as 'not yet'."""
    deadline = time.monotonic() + seconds
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited ({process.returncode})")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready after {seconds:.0f} s")
        time.sleep(0.05)


def session_members(sid: int) -> list[int]:
    """Every live process in session ``sid`` (from /proc): a process started with
    start_new_session and everything it forked, even children that left its process group
    (an RQ work horse) or were orphaned when it died."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == sid and fields[0] != "Z":  # fields: state, ppid, pgrp, session
            members.append(int(stat.parent.name))
    return members


def signal_session(sid: int, sig: int) -> None:
    for pid in session_members(sid):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Process(subprocess.Popen):
    """A child in a session of its own, its output (stdout and stderr) in ``log_path``.

    ``signal_all`` signals every process of the session, as a platform signals a dyno;
    ``stop`` is a SIGTERM to all of them, then SIGKILL after ``seconds``.
    """

    def __init__(self, argv: list[str], log_path: Path, **kwargs):
        self.log_path = log_path
        with log_path.open("ab") as log:
            super().__init__(
                argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def signal_all(self, sig: int) -> None:
        signal_session(self.pid, sig)

    def stop(self, seconds: float = STOP_SECONDS) -> int:
        self.signal_all(signal.SIGTERM)
        try:
            return self.wait(seconds)
        except subprocess.TimeoutExpired:
            self.destroy()
            raise

    def destroy(self) -> None:
        """SIGKILL to every process of the session (the finalizers' last word)."""
        self.signal_all(signal.SIGKILL)
        if self.poll() is None:
            self.kill()
        self.wait(STOP_SECONDS)
        # children reparented elsewhere can outlive the leader for a moment
        wait_until(lambda: not session_members(self.pid), f"session {self.pid} ended", 5)


def as_user(user: pwd.struct_passwd | None) -> dict:
    """Popen arguments that run a child as ``user`` (None: as ourselves)."""
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def owned_dir(prefix: str, owner: pwd.struct_passwd | None) -> Path:
    """A fresh folder under the system temp dir (pytest's tmp_path is root's own, mode 700,
    so a server running as another user could not reach it), chowned to ``owner``."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return path


def server_user() -> pwd.struct_passwd | None:
    """Who runs PostgreSQL: ourselves, unless we are root (initdb and postgres refuse root),
    then the 'postgres' account, else 'nobody'."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.fail("running as root with neither a 'postgres' nor a 'nobody' account")
