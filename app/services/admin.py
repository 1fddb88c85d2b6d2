"""The admin's verbs: finding users and changing their role, with the guard rails (the
system user is untouchable; an admin never removes their own admin role); background jobs
that failed, and retrying them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from redis.exceptions import RedisError
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from sqlalchemy import or_, select

from app import jobs
from app.extensions import db
from app.models import User
from app.models.user import ROLES
from app.services import events

log = logging.getLogger(__name__)

USERS_PER_PAGE = 50
SEARCH_MAX = 100


class AdminError(Exception):
    """A change an admin may not make; str(error) is shown to them."""


@dataclass(frozen=True)
class RoleChange:
    user: User
    changed: bool


def find_users(search: str = "", page: int = 1) -> Pagination:
    """One page of users, newest first, whose email or name contains ``search`` (any case)."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    search = search.strip()[:SEARCH_MAX]
    if search:
        query = query.where(
            or_(
                User.email.icontains(search, autoescape=True),
                User.display_name.icontains(search, autoescape=True),
            )
        )
    return db.paginate(query, page=max(page, 1), per_page=USERS_PER_PAGE, error_out=False)


def change_role(actor: User, user: User, role: str) -> RoleChange:
    """Give ``user`` the ``role``; asking for the role they already have changes nothing.

    Raises AdminError for the system user or when ``actor`` would drop their own admin
    role, ValueError for a role that doesn't exist.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    if user.is_system:
        raise AdminError(f"{user.display_name} is the system account; its role can't change.")
    if user.id == actor.id and role != "admin":
        raise AdminError("You can't remove your own admin role. Ask another admin to do it.")
    if user.role == role:
        return RoleChange(user, changed=False)
    change = (actor.id, user.id, user.role, role)  # read before the commit expires them
    user.role = role
    db.session.commit()
    log.info("admin %s changed user %s from %s to %s", *change)
    return RoleChange(user, changed=True)


# Background jobs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedJob:
    """A job RQ gave up on (not an outbox event's: those are listed from the outbox)."""

    queue: str
    id: str
    description: str
    failed_at: datetime | None
    error: str


@dataclass(frozen=True)
class JobsOverview:
    """What /admin/jobs shows: outbox counts, RQ queue lengths (None when Redis can't be
    reached), failed outbox events and other failed jobs."""

    outbox: dict[str, int]
    queues: dict[str, int] | None
    in_process: bool  # no REDIS_URL: jobs run inside web requests, there are no queues
    failed_events: list
    failed_jobs: list[FailedJob]


def jobs_overview(limit: int = 100) -> JobsOverview:
    """Outbox counts and failures, and RQ's queues and failed registries."""
    queues, failed_jobs = None, []
    if jobs.in_process():
        return JobsOverview(events.counts(), None, True, events.failed(limit), [])
    try:
        queues = {name: jobs.queue(name).count for name in jobs.QUEUE_NAMES}
        for name in jobs.QUEUE_NAMES:
            registry = jobs.queue(name).failed_job_registry
            job_ids = [i for i in registry.get_job_ids() if not i.startswith(events.JOB_ID_PREFIX)]
            for job_id in job_ids[: limit - len(failed_jobs)]:  # event jobs: listed as events
                try:
                    job = registry.job_class.fetch(job_id, connection=registry.connection)
                except NoSuchJobError:
                    continue  # expired between the two reads
                failed_jobs.append(
                    FailedJob(
                        name,
                        job_id,
                        job.description or job.func_name,
                        job.ended_at,
                        _last_line(job.latest_result()),
                    )
                )
    except RedisError as error:
        log.warning("admin jobs: RQ state unavailable: %s", error)
    return JobsOverview(events.counts(), queues, False, events.failed(limit), failed_jobs)


def _last_line(result) -> str:
    text = (getattr(result, "exc_string", None) or "").strip()
    return text.splitlines()[-1][:300] if text else "No error recorded"


def retry_job(queue: str, job_id: str) -> bool:
    """Put a failed RQ job back on its queue (an admin's Retry). False when it isn't in that
    queue's failed list (already retried). Raises LookupError for an unknown queue or job."""
    if queue not in jobs.QUEUE_NAMES:
        raise LookupError(f"no queue {queue!r}")
    if job_id.startswith(events.JOB_ID_PREFIX):
        raise LookupError("an outbox event's job: retry the event")
    registry = jobs.queue(queue).failed_job_registry
    if not registry.job_class.exists(job_id, connection=registry.connection):
        raise LookupError(f"no job {job_id!r}")
    if job_id not in registry.get_job_ids():
        return False
    try:
        registry.requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError):
        return False
    return True
