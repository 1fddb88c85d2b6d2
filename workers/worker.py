"""The RQ worker class the Procfile's ``worker`` process runs.

Graceful shutdown: RQ answers SIGTERM with a warm shutdown (take no new job, finish the
current one, exit; a second SIGTERM or SIGINT is a cold shutdown that kills the job). But
RQ runs each job in a forked "work horse" that keeps SIGTERM's default action, and a
platform that signals the whole process group (Heroku sends SIGTERM to every process in a
dyno, then SIGKILL 30 s later; so does a Ctrl+C in a terminal, for SIGINT) kills the horse
mid-job before the warm shutdown can wait for it. Here the horse ignores both, so a job that
fits in the grace period finishes; one that doesn't is killed by SIGKILL, and RQ's
maintenance later finds it abandoned and retries it (every job declares Retry, and jobs are
idempotent).

The outbox relay: every worker also hands outbox events to RQ (services/events.py), every
OUTBOX_RELAY_SECONDS while idle and between jobs, and during a long job from the parent
process while the horse works. Relays in several workers (or replicas) run at once safely:
rows are claimed with SKIP LOCKED. No separate clock process is needed.
"""

from __future__ import annotations

import logging
import os
import signal
import time

from rq.exceptions import StopRequested
from rq.worker import Worker

log = logging.getLogger(__name__)
SWEEP_EVERY = 60  # seconds between sweeps for events whose job RQ lost (events.requeue_lost)


class GracefulWorker(Worker):
    """RQ's forking worker whose work horse outlives a SIGTERM sent to its process group,
    and which relays the outbox."""

    def __init__(self, *args, **kwargs):
        self.relay_every = float(os.environ.get("OUTBOX_RELAY_SECONDS", "2"))
        self._relayed_at = 0.0
        self._swept_at = 0.0
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        """Seconds a blocking dequeue waits: short enough to relay on time while idle."""
        return max(1, min(self.worker_ttl - 15, int(self.relay_every)))

    def heartbeat(self, timeout=None, pipeline=None):
        """RQ's heartbeat, then the outbox relay when it is due: while idle and between jobs.
        Not in the heartbeats sent while a job runs (those come with a pipeline that carries
        the job's own heartbeat: a slow relay must not delay it, or another worker would take
        the job for abandoned), and never in the work horse."""
        super().heartbeat(timeout=timeout, pipeline=pipeline)
        if pipeline is None and not getattr(self, "_is_horse", False):
            self.relay_outbox()

    def handle_job_failure(
        self, job, queue, started_job_registry=None, exc_string="", execution=None
    ):
        """RQ's failure handling, after recording an outbox event's failure: here too when the
        work horse died (out of memory, killed at its timeout), where no failure callback runs.
        On the last try the event is listed as failed for an admin to retry."""
        if job.id.startswith("event-"):  # events.JOB_ID_PREFIX (app not imported here)
            self._record_event_failure(job, exc_string)
        return super().handle_job_failure(
            job,
            queue,
            started_job_registry=started_job_registry,
            exc_string=exc_string,
            execution=execution,
        )

    def _record_event_failure(self, job, exc_string: str) -> None:
        from workers import app_context

        lines = (exc_string or "").strip().splitlines()
        try:
            with app_context():
                from app.services import events

                events.job_failed(job, lines[-1] if lines else "The job failed")
        except Exception:  # noqa: BLE001 - RQ's own bookkeeping must still run
            log.warning("could not record the failure of %s", job.id, exc_info=True)

    def relay_outbox(self, force: bool = False) -> int:
        """Hand pending outbox events to RQ if the last relay was OUTBOX_RELAY_SECONDS ago
        (or ``force``); returns how many. Never raises: a database or Redis outage is logged
        and the next heartbeat tries again."""
        now = time.monotonic()
        if not force and now - self._relayed_at < self.relay_every:
            return 0
        self._relayed_at = now
        from workers import app_context

        try:
            with app_context():
                from flask import current_app

                from app.services import events

                if current_app.config["REDIS_URL"] is None:
                    return 0  # no REDIS_URL: this app runs its jobs in-process itself
                if now - self._swept_at >= SWEEP_EVERY:
                    self._swept_at = now
                    events.requeue_lost()
                handed = events.dispatch_pending()
        except StopRequested:  # SIGTERM arrived during the relay: the warm shutdown goes on
            raise
        except Exception:  # noqa: BLE001 - the worker must outlive a database outage
            log.warning("outbox relay failed; retrying in %ss", self.relay_every, exc_info=True)
            return 0
        if handed:
            log.info("outbox relay: %s event(s) handed to RQ", handed)
        return handed

    def main_work_horse(self, job, queue):
        """The forked horse starts with fresh database connections: the parent's pool (used
        by the relay) must not be shared across the fork (SQLAlchemy's pooling guide,
        "Using Connection Pools with Multiprocessing")."""
        from workers import _app

        if _app.cache_info().currsize:
            from app.extensions import db

            with _app().app_context():
                db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)

    def setup_work_horse_signals(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
