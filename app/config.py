"""Settings from the environment, with embedded defaults for a laptop with no servers.

MEETDAY_ENV picks the profile: ``development`` (default), ``production`` or ``test``.
"""

from __future__ import annotations

import os
from pathlib import Path

DEV_SECRET = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """Raised at start-up when a required setting is missing or malformed."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Return a SQLAlchemy URL for ``raw`` (a DATABASE_URL), or the embedded SQLite file.

    Heroku's ``postgres://`` and plain ``postgresql://`` are rewritten to the psycopg 3
    dialect (``postgresql+psycopg://``); anything else is returned unchanged.
    """
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "meetday.db")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment plus ``overrides``.

    Raises ConfigError when SECRET_KEY is missing outside development and test.
    """
    env = (overrides or {}).get("MEETDAY_ENV") or os.environ.get("MEETDAY_ENV", "development")
    development = env in {"development", "test"}
    secret = os.environ.get("SECRET_KEY") or (DEV_SECRET if development else None)
    if not secret:
        raise ConfigError("SECRET_KEY must be set when MEETDAY_ENV=production")
    config = {
        "MEETDAY_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Unset: jobs run in-process on an in-memory Redis stand-in (fakeredis).
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PREFERRED_URL_SCHEME": "http" if development else "https",
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session (offline replays)
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down: count in each process's memory (same limits) until it answers again,
        # instead of failing every rate-limited request (sign-in, the API) with a 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # ... and a Redis that hangs instead of refusing counts as down after 2 s, not 30.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        # JSON API requests per token (per client address without one); Flask-Limiter syntax.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "600 per minute"),
        "REMINDER_RETRY_SECONDS": [10, 60, 300],
        # Multiplies every outbox job's retry backoff (services/events.KINDS); 0 retries at once.
        "OUTBOX_RETRY_SCALE": float(os.environ.get("OUTBOX_RETRY_SCALE", "1")),
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT"),  # default: instance/media
        "UPLOAD_SCRATCH": os.environ.get("UPLOAD_SCRATCH"),  # default: instance/uploads
        "S3_BUCKET": os.environ.get("S3_BUCKET"),  # set to store media in S3-compatible storage
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL"),  # MinIO, R2 ...; unset for AWS
        "S3_REGION": os.environ.get("S3_REGION"),
        "MAX_UPLOAD_BYTES": int(os.environ.get("MAX_UPLOAD_MB", "200")) * 1024 * 1024,
        "MAX_VIDEO_SECONDS": int(
            os.environ.get("MAX_VIDEO_SECONDS", "120")
        ),  # backoff between attempts of a reminder job
        "JSON_LOGS": _flag("JSON_LOGS", default=not development),
        "ASSETS_AUTO_BUILD": development,
        # OpenID Connect: any compliant provider (Keycloak, Auth0, Google ...).
        "OIDC_ISSUER": (os.environ.get("OIDC_ISSUER") or "").rstrip("/") or None,
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID"),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET"),
        "OIDC_PROVIDER_NAME": os.environ.get("OIDC_PROVIDER_NAME", "your club account"),
        "OIDC_TIMEOUT_SECONDS": float(os.environ.get("OIDC_TIMEOUT_SECONDS", "5")),
        # AI coach: any OpenAI-compatible chat completions endpoint (Ollama, vLLM, LiteLLM ...).
        "LLM_BASE_URL": os.environ.get("LLM_BASE_URL") or None,  # e.g. http://127.0.0.1:11434/v1
        "LLM_API_KEY": os.environ.get("LLM_API_KEY"),
        "LLM_MODEL": os.environ.get("LLM_MODEL"),
        "LLM_TIMEOUT_SECONDS": float(os.environ.get("LLM_TIMEOUT_SECONDS", "20")),
        "LLM_MAX_RETRIES": int(os.environ.get("LLM_MAX_RETRIES", "2")),
        # Web Push (VAPID, RFC 8292): both keys set turns it on; `flask vapid-keys` makes a pair.
        "VAPID_PUBLIC_KEY": os.environ.get("VAPID_PUBLIC_KEY") or None,  # base64url P-256 point
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY") or None,  # base64url, 32 bytes
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT") or None,  # mailto:ops@example.com
        "PUSH_TIMEOUT_SECONDS": float(os.environ.get("PUSH_TIMEOUT_SECONDS", "10")),
    }
    if env == "test":
        config.update(TESTING=True)
    config.update(overrides or {})
    return config
