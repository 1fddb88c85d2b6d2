"""Stopping a worker: SIGTERM to every one of its processes (what Heroku does to a dyno before
SIGKILL 30 s later) lets the running job finish, then the worker exits. RQ's own worker puts
its work horse in a process group of its own, but a signal to every process still reaches it
and kills the job: workers.worker.GracefulWorker is the Procfile's worker for that reason."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus

ROOT = Path(__file__).resolve().parents[2]


def slow_job(marker: str, seconds: float) -> str:
    """Say it started, take ``seconds``, then leave ``marker`` behind."""
    Path(marker + ".started").touch()
    time.sleep(seconds)
    Path(marker).write_text("done")
    return "done"


def family(pid: int) -> list[int]:
    """``pid`` and every process descended from it (from /proc)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [pid], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def wait_for(path: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    ("worker_class", "job_finishes"),
    [("workers.worker.GracefulWorker", True), ("rq.worker.Worker", False)],
)
def test_sigterm_to_every_worker_process_lets_the_running_job_finish(
    redis_url, tmp_path, worker_class, job_finishes
):
    connection = Redis.from_url(redis_url)
    queue = Queue(f"shutdown-{uuid.uuid4().hex[:8]}", connection=connection)
    marker = tmp_path / "job-done"
    job = queue.enqueue(slow_job, str(marker), 2.0, job_timeout=60)
    rq = Path(sys.executable).with_name("rq")
    worker = subprocess.Popen(
        [str(rq), "worker", "--worker-class", worker_class, "--url", redis_url, queue.name],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_for(Path(f"{marker}.started"), 30), "the worker never started the job"
        for pid in family(worker.pid):  # the worker and its work horse, as a dyno's are
            os.kill(pid, signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        queue.delete(delete_jobs=True)
        connection.close()
    status = Job.fetch(job.id, connection=Redis.from_url(redis_url)).get_status()
    assert worker.returncode == 0, output
    assert "warm shut down requested" in output.lower()
    assert marker.exists() is job_finishes, output
    assert (status == JobStatus.FINISHED) is job_finishes, status
