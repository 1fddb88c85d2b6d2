"""The RQ worker class the Procfile's ``worker`` process runs.

RQ answers SIGTERM with a warm shutdown: take no new job, finish the current one, exit (a
second SIGTERM or SIGINT is a cold shutdown that kills the job). But RQ runs each job in a
forked "work horse" that keeps SIGTERM's default action, and a platform that signals the
whole process group (Heroku sends SIGTERM to every process in a dyno, then SIGKILL 30 s
later; so does a Ctrl+C in a terminal, for SIGINT) kills the horse mid-job before the warm
shutdown can wait for it. Here the horse ignores both, so a job that fits in the grace period
finishes; one that doesn't is killed by SIGKILL, and RQ's maintenance later finds it abandoned
and retries it (every job declares Retry, and jobs are idempotent).
"""

from __future__ import annotations

import signal

from rq.worker import Worker


class GracefulWorker(Worker):
    """RQ's forking worker whose work horse outlives a SIGTERM sent to its process group."""

    def setup_work_horse_signals(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
