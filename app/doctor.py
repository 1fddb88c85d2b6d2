"""`flask doctor`: is this deployment fit to serve? One check per dependency, each saying ok,
WARN or FAIL and, when not ok, what to do about it."""

from __future__ import annotations

import logging
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select, text

from app.config import DEV_SECRET
from app.extensions import db

OK, WARN, FAIL = "ok", "WARN", "FAIL"
TIMEOUT_SECONDS = 3.0  # every network check: a doctor that hangs is no help
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class Result:
    status: str  # OK, WARN or FAIL
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status:4}  {self.name:10}  {self.detail}"


def run() -> list[Result]:
    """Every check, in order, inside the current app."""
    results = []
    for check in CHECKS:
        try:
            results.extend(check())
        except Exception as error:  # a check that breaks is itself a failure, not a crash
            name = check.__name__.removeprefix("check_")
            results.append(Result(FAIL, name, f"check crashed: {_error(error)}"))
    return results


def _production() -> bool:
    return current_app.config["MEETDAY_ENV"] == "production"


def _error(error: BaseException) -> str:
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def check_config() -> list[Result]:
    config, production = current_app.config, _production()
    env = Result(OK, "config", f"MEETDAY_ENV={config['MEETDAY_ENV']}")
    secret = config["SECRET_KEY"]
    if secret == DEV_SECRET:
        key = Result(
            FAIL if production else OK,
            "secret",
            "SECRET_KEY is the development key"
            + (": set a long random SECRET_KEY" if production else " (fine on a laptop)"),
        )
    elif len(secret) < MIN_SECRET_LENGTH:
        key = Result(
            WARN,
            "secret",
            f"SECRET_KEY has {len(secret)} characters: use {MIN_SECRET_LENGTH}+ random ones "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))")',
        )
    else:
        key = Result(OK, "secret", f"SECRET_KEY set ({len(secret)} characters)")
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        database = Result(
            FAIL if production else OK,
            "db-config",
            f"embedded SQLite ({url.database})"
            + (": set DATABASE_URL to PostgreSQL" if production else ""),
        )
    else:
        database = Result(OK, "db-config", f"DATABASE_URL: {url.render_as_string()}")
    if config["REDIS_URL"]:
        redis = Result(OK, "redis-conf", f"REDIS_URL: {_without_password(config['REDIS_URL'])}")
    else:
        redis = Result(
            FAIL if production else OK,
            "redis-conf",
            "REDIS_URL unset: jobs run inside web requests"
            + (
                ": set REDIS_URL and run the worker process"
                if production
                else " (fine on a laptop)"
            ),
        )
    return [env, key, database, redis]


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts.geturl()


def check_migrations() -> list[Result]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    logging.getLogger("alembic").setLevel(logging.WARNING)  # not its "Context impl" chatter
    try:
        with db.engine.connect() as connection:
            version = connection.execute(text("SELECT 1")).scalar()
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:
        return [
            Result(
                FAIL,
                "database",
                f"unreachable ({_error(error)}): check DATABASE_URL and that the server is up",
            )
        ]
    database = Result(OK, "database", f"{db.engine.dialect.name} answers (SELECT 1 = {version})")
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if current == heads:
        return [database, Result(OK, "migrations", f"at head ({', '.join(sorted(heads))})")]
    found = ", ".join(sorted(current)) or "none applied"
    return [
        database,
        Result(
            FAIL,
            "migrations",
            f"database at {found}, code at {', '.join(sorted(heads))}: "
            "run `flask --app wsgi db upgrade`",
        ),
    ]


def check_redis() -> list[Result]:
    from rq import Worker

    connection = current_app.extensions["redis"]
    if not current_app.config["REDIS_URL"]:
        return [Result(OK, "redis", "in-process stand-in (no REDIS_URL)")]
    try:
        connection.ping()
    except Exception as error:
        return [Result(FAIL, "redis", f"no answer ({_error(error)}): check REDIS_URL")]
    workers = Worker.all(connection=connection)
    if workers:
        listening = sorted({name for w in workers for name in w.queue_names()})
        return [
            Result(OK, "redis", "answers PING"),
            Result(OK, "workers", f"{len(workers)} RQ worker(s) on {', '.join(listening)}"),
        ]
    return [
        Result(OK, "redis", "answers PING"),
        Result(WARN, "workers", "no RQ worker is running: start the Procfile's worker process"),
    ]


STALE_OUTBOX = timedelta(minutes=5)


def check_outbox() -> list[Result]:
    """Background work recorded in the database: events a relay hasn't picked up for
    STALE_OUTBOX (no worker relaying?) and events that failed for good."""
    from app.models import OutboxEvent
    from app.models.types import utcnow
    from app.services import events

    try:
        counts = events.counts()
        stale = db.session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .filter(
                OutboxEvent.enqueued_at.is_(None), OutboxEvent.created_at < utcnow() - STALE_OUTBOX
            )
        )
    except Exception as error:  # no table yet (migrations) or no database: reported above
        db.session.rollback()
        return [Result(WARN, "outbox", f"not readable ({_error(error)})")]
    results = []
    if stale:
        results.append(
            Result(
                WARN,
                "outbox",
                f"{stale} event(s) waiting over {STALE_OUTBOX.seconds // 60} min for a relay: "
                "is a worker process running (it relays), and can it reach Redis?",
            )
        )
    if counts["failed"]:
        results.append(
            Result(WARN, "jobs", f"{counts['failed']} failed event(s): see /admin/jobs (Retry)")
        )
    return results or [
        Result(OK, "outbox", f"{counts['waiting']} waiting, {counts['queued']} queued, none failed")
    ]


def check_storage() -> list[Result]:
    from app.storage import S3Storage, storage

    store = storage()
    where = "S3 bucket " + store.bucket if isinstance(store, S3Storage) else f"{store.root}"
    key = f"doctor/{uuid.uuid4().hex}.txt"
    payload = f"meetday doctor {key}".encode()
    with tempfile.TemporaryDirectory() as work:
        source, copy = Path(work) / "put", Path(work) / "fetched"
        source.write_bytes(payload)
        try:
            store.put(key, source)
            store.fetch(key, copy)
            store.delete(key)
            gone, same = not store.exists(key), copy.read_bytes() == payload
        except Exception as error:
            return [Result(FAIL, "storage", f"{where}: {_error(error)}: check media settings")]
    if not same:
        return [
            Result(FAIL, "storage", f"{where}: what was read back differs from what was written")
        ]
    if not gone:
        return [Result(FAIL, "storage", f"{where}: a deleted object is still there")]
    return [Result(OK, "storage", f"{where}: write, read and delete work")]


def check_ffmpeg() -> list[Result]:
    from app.services import video

    results = []
    try:
        binary = video.ffmpeg_binary()
        results.append(Result(OK, "ffmpeg", f"{_version(binary)} ({binary})"))
    except Exception as error:
        results.append(
            Result(
                FAIL,
                "ffmpeg",
                f"not usable ({_error(error)}): install ffmpeg (apt-get install ffmpeg); "
                "videos can't be processed without it",
            )
        )
    probe = video.ffprobe_binary()
    if probe is None:
        results.append(
            Result(WARN, "ffprobe", "not found: videos are probed through ffmpeg's own report")
        )
    else:
        try:
            results.append(Result(OK, "ffprobe", f"{_version(probe)} ({probe})"))
        except Exception as error:
            results.append(Result(FAIL, "ffprobe", f"{probe} doesn't run ({_error(error)})"))
    return results


def _version(binary: str) -> str:
    """'ffmpeg version 5.1.6-0+deb12u1' from `<binary> -version`."""
    output = subprocess.run(
        [binary, "-version"], capture_output=True, text=True, timeout=10, check=True
    ).stdout
    return " ".join(output.split()[:3]) if output else binary


def check_llm() -> list[Result]:
    import requests

    config = current_app.config
    base, model = config.get("LLM_BASE_URL"), config.get("LLM_MODEL")
    if not base and not model:
        return [Result(OK, "llm", "not configured: the rule-based coach answers")]
    if not (base and model):
        missing = "LLM_MODEL" if base else "LLM_BASE_URL"
        return [Result(WARN, "llm", f"{missing} unset: the rule-based coach answers until it is")]
    url = base.rstrip("/") + "/models"
    headers = (
        {"Authorization": f"Bearer {config['LLM_API_KEY']}"} if config.get("LLM_API_KEY") else {}
    )
    where = _without_password(base)
    try:
        answer = requests.get(url, headers=headers, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        return [Result(FAIL, "llm", f"{where} unreachable ({_error(error)}): check LLM_BASE_URL")]
    if answer.status_code in (401, 403):
        return [
            Result(
                FAIL, "llm", f"{where} refused the key ({answer.status_code}): check LLM_API_KEY"
            )
        ]
    if answer.status_code == 404:
        return [Result(WARN, "llm", f"{where} answers but has no /models to check {model} against")]
    if answer.status_code >= 400:
        return [Result(FAIL, "llm", f"{where} answered {answer.status_code}")]
    try:
        served = {item.get("id") for item in answer.json().get("data", [])}
    except (ValueError, AttributeError):
        return [Result(WARN, "llm", f"{where} answered, but not with an OpenAI model list")]
    if model not in served:
        return [
            Result(
                FAIL,
                "llm",
                f"{where} doesn't serve {model}: set LLM_MODEL to one of "
                + (", ".join(sorted(map(str, served))) or "(none listed)"),
            )
        ]
    return [Result(OK, "llm", f"{where} serves {model}")]


def check_vapid() -> list[Result]:
    from app.config import ConfigError
    from app.services import push

    config = current_app.config
    if not (config.get("VAPID_PUBLIC_KEY") or config.get("VAPID_PRIVATE_KEY")):
        return [Result(OK, "web-push", "off (turn on with `flask --app wsgi vapid-keys`)")]
    try:
        push._check_config(config)  # the start-up check: a pair, and a subject py_vapid signs
    except ConfigError as error:
        return [Result(FAIL, "web-push", str(error))]
    if not config.get("VAPID_SUBJECT"):
        return [Result(WARN, "web-push", "set VAPID_SUBJECT (mailto:ops@...) for push services")]
    return [Result(OK, "web-push", f"keys form a pair; subject {config['VAPID_SUBJECT']}")]


CHECKS: tuple[Callable[[], list[Result]], ...] = (
    check_config,
    check_migrations,
    check_redis,
    check_outbox,
    check_storage,
    check_ffmpeg,
    check_llm,
    check_vapid,
)
