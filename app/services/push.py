"""Web Push (RFC 8030/8291/8292) for reminders and new messages: subscriptions per device,
delivery through pywebpush with VAPID keys from the environment. The in-app notification or
message is the source of truth; a push is a best-effort copy of it, sent after its commit."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import click
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid02, VapidException
from pywebpush import WebPushException, webpush
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import jobs
from app.config import ConfigError
from app.extensions import db
from app.models import Message, OutboxEvent, PushSubscription, User
from app.models.types import utcnow

log = logging.getLogger(__name__)

JOB = "workers.push.send_push"
TTL_SECONDS = 24 * 60 * 60  # how long a push service keeps a message for an offline device
MAX_DEVICES = 20  # per user; the least recently used subscription goes first
MAX_PAYLOAD_BYTES = 3000  # RFC 8291 leaves 3993 bytes of plaintext in a 4096-byte message
PREVIEW_CHARS = 200
GONE = (404, 410)  # RFC 8030 section 7.3: the subscription expired or was unsubscribed
_B64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class PushError(ValueError):
    """A subscription the browser sent that can't be used; ``str()`` says why."""


@dataclass(frozen=True)
class Delivery:
    """What send_to_user() did: pushes accepted, subscriptions removed as gone, failures."""

    sent: int = 0
    removed: int = 0
    failed: int = 0


def init_app(app: Flask) -> None:
    """Check the VAPID settings (ConfigError when half-set or malformed), add the
    ``flask vapid-keys`` command and the templates' ``push_enabled()``."""
    _check_config(app.config)
    app.cli.add_command(vapid_keys)
    app.jinja_env.globals["push_enabled"] = enabled


def enabled() -> bool:
    """True when VAPID keys are configured; without them push is off and nothing is sent."""
    config = current_app.config
    return bool(config.get("VAPID_PUBLIC_KEY") and config.get("VAPID_PRIVATE_KEY"))


def public_key() -> str | None:
    """The applicationServerKey for PushManager.subscribe() (base64url), None when off."""
    return current_app.config["VAPID_PUBLIC_KEY"] if enabled() else None


def generate_keys() -> tuple[str, str]:
    """A fresh VAPID key pair: (public key as a base64url uncompressed P-256 point,
    private key as the base64url 32-byte scalar)."""
    key = ec.generate_private_key(ec.SECP256R1())
    raw = key.private_numbers().private_value.to_bytes(32, "big")
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(point), _b64(raw)


@click.command("vapid-keys")
def vapid_keys() -> None:
    """Print a fresh VAPID key pair as environment lines (turns Web Push on)."""
    public, private = generate_keys()
    click.echo(f"VAPID_PUBLIC_KEY={public}")
    click.echo(f"VAPID_PRIVATE_KEY={private}")
    click.echo("# and VAPID_SUBJECT=mailto:<an address the push services can reach you at>")


# Subscriptions ------------------------------------------------------------------------------


def subscribe(
    user: User, data: object, user_agent: str | None = None
) -> tuple[PushSubscription, bool]:
    """Store ``data`` (a PushSubscription.toJSON(): {"endpoint", "keys": {"p256dh", "auth"}})
    for ``user`` (committed); returns (subscription, created). Idempotent by endpoint: the
    same endpoint again updates its keys, and from another user moves to that user. Raises
    PushError for malformed data."""
    endpoint, p256dh, auth = parse_subscription(data)
    values = {"user_id": user.id, "p256dh": p256dh, "auth": auth}
    values["user_agent"] = (user_agent or "")[:255] or None
    try:
        return _upsert(endpoint, values)
    except IntegrityError:  # the same endpoint arrived twice at once: update the winner's row
        db.session.rollback()
        return _upsert(endpoint, values)


def _upsert(endpoint: str, values: dict) -> tuple[PushSubscription, bool]:
    subscription = db.session.scalar(select(PushSubscription).filter_by(endpoint=endpoint))
    created = subscription is None
    if created:
        subscription = PushSubscription(endpoint=endpoint, **values)
        db.session.add(subscription)
    else:
        for name, value in values.items():
            setattr(subscription, name, value)
    db.session.flush()
    _prune(values["user_id"])
    db.session.commit()
    return subscription, created


def unsubscribe(user: User, endpoint: object) -> bool:
    """Forget ``endpoint`` if ``user`` owns it (committed); True when a row was removed.
    Raises PushError when ``endpoint`` is not a string."""
    if not isinstance(endpoint, str) or not endpoint:
        raise PushError("Send the subscription's endpoint.")
    removed = db.session.execute(
        db.delete(PushSubscription).filter_by(user_id=user.id, endpoint=endpoint)
    ).rowcount
    db.session.commit()
    return bool(removed)


def parse_subscription(data: object) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a PushSubscription.toJSON(), keys re-encoded as unpadded
    base64url. The endpoint must be https (http too outside production, for local tests);
    p256dh must be a point on P-256 (65 bytes), auth 16 bytes. Raises PushError."""
    if not isinstance(data, dict):
        raise PushError("Send the subscription as a JSON object.")
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not 0 < len(endpoint) <= 2048:
        raise PushError("The subscription needs an endpoint URL (at most 2048 characters).")
    schemes = {"https"} if current_app.config["MEETDAY_ENV"] == "production" else {"https", "http"}
    parts = urlsplit(endpoint)
    if parts.scheme not in schemes or not parts.hostname or re.search(r"\s", endpoint):
        raise PushError("The subscription's endpoint must be an https URL.")
    if not isinstance(keys, dict):
        raise PushError("The subscription needs its keys (p256dh and auth).")
    point = _unb64(keys.get("p256dh"), "p256dh")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise PushError("The p256dh key is not a P-256 public key.") from None
    if len(point) != 65:
        raise PushError("The p256dh key must be an uncompressed P-256 point.")
    secret = _unb64(keys.get("auth"), "auth")
    if len(secret) != 16:
        raise PushError("The auth secret must be 16 bytes.")
    return endpoint, _b64(point), _b64(secret)


def _prune(user_id: int) -> None:
    """Keep the user's MAX_DEVICES most recently used subscriptions (flush, no commit)."""
    stale = db.session.scalars(
        select(PushSubscription.id)
        .filter_by(user_id=user_id)
        .order_by(
            func.coalesce(PushSubscription.last_success_at, PushSubscription.created_at).desc(),
            PushSubscription.id.desc(),
        )
        .offset(MAX_DEVICES)
    ).all()
    if stale:
        db.session.execute(db.delete(PushSubscription).filter(PushSubscription.id.in_(stale)))


# Delivery -----------------------------------------------------------------------------------


def notify(user_id: int, payload: dict, queue: str = "default", job_id: str | None = None) -> bool:
    """Hand a push for ``user_id`` to RQ; call it after the commit of what it announces.
    ``payload`` is {"title", "body", "url" (a path in the app), "tag"} (ValueError otherwise).
    Returns False, sending nothing, when push is off, the user has no subscription or Redis
    can't be reached (logged: the in-app copy stays the source of truth). Without Redis the
    job runs right here."""
    _check_payload(payload)
    if not enabled() or not _has_subscription(user_id):
        return False
    try:
        jobs.queue(queue).enqueue(JOB, user_id, payload, job_id=job_id, job_timeout=120)
    except RedisError as error:
        log.warning("push for user %s not queued: Redis unavailable (%s)", user_id, error)
        return False
    return True


def message_push(message: Message, recipient: User) -> dict | None:
    """The push payload announcing a new direct message to ``recipient``, or None: never to
    its sender, never to the AI coach (a system user)."""
    if recipient.is_system or recipient.id == message.sender_id:
        return None
    if message.kind == "attempts":
        body = "Pinned meet attempts"
    else:
        body = _preview(message.body) or "Sent a photo or video"
    path = current_app.url_map.bind("").build(
        "dms.show", {"conversation_id": message.conversation_id}
    )
    return {
        "title": message.sender.display_name,
        "body": body,
        "url": path,
        "tag": f"conversation-{message.conversation_id}",
    }


def on_message_sent(event: OutboxEvent) -> Delivery | None:
    """Handler of 'dm.message.sent': push the message to the recipient's devices (the job
    runs on the 'default' queue). None when there is nothing to send (push off, message or
    recipient gone, no push for this recipient)."""
    message = db.session.get(Message, event.payload["message_id"])
    recipient = db.session.get(User, event.payload["recipient_id"])
    if not enabled() or message is None or recipient is None:
        return None
    payload = message_push(message, recipient)
    if payload is None or not _has_subscription(recipient.id):
        return None
    return send_to_user(recipient.id, payload)


def send_to_user(user_id: int, payload: dict, ttl: int = TTL_SECONDS) -> Delivery:
    """Encrypt ``payload`` (aes128gcm, RFC 8291) and POST it with a VAPID token (RFC 8292)
    to each of the user's subscriptions (committed). A 404 or 410 removes that subscription;
    any other failure is logged and counted, never raised. A second run sends again (there
    is no per-device receipt); the ``tag`` makes the browser replace, not stack, a repeat.
    Raises ValueError for a malformed payload."""
    data = _check_payload(payload)
    if not enabled():
        return Delivery()
    subscriptions = db.session.scalars(
        select(PushSubscription).filter_by(user_id=user_id).order_by(PushSubscription.id)
    ).all()
    vapid = Vapid02.from_raw(current_app.config["VAPID_PRIVATE_KEY"].encode())
    sent = removed = failed = 0
    with requests.Session() as session:
        for subscription in subscriptions:
            outcome = _send_one(subscription, data, vapid, ttl, session)
            if outcome == "sent":
                subscription.last_success_at = utcnow()
                sent += 1
            elif outcome == "gone":
                db.session.delete(subscription)
                removed += 1
            else:
                failed += 1
    db.session.commit()
    return Delivery(sent, removed, failed)


def _send_one(subscription: PushSubscription, data: str, vapid: Vapid02, ttl: int, session) -> str:
    """One push: 'sent', 'gone' (404/410) or 'failed' (logged without the endpoint, which
    is a bearer capability)."""
    parts = urlsplit(subscription.endpoint)
    claims = {
        "sub": current_app.config["VAPID_SUBJECT"],
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + 12 * 60 * 60,  # RFC 8292: at most 24 hours ahead
    }
    try:
        webpush(
            subscription.as_webpush_info(),
            data,
            vapid_private_key=vapid,
            vapid_claims=claims,
            ttl=ttl,
            timeout=current_app.config["PUSH_TIMEOUT_SECONDS"],
            requests_session=session,
        )
        return "sent"
    except WebPushException as error:
        if error.status_code in GONE:
            log.info(
                "push subscription %s is gone (%s): removed", subscription.id, error.status_code
            )
            return "gone"
        log.warning(
            "push to subscription %s on %s failed: %s",
            subscription.id,
            parts.hostname,
            error.status_code or error.message,
        )
    except Exception as error:  # noqa: BLE001 - network errors, a key the library rejects
        # The class only: requests' messages quote the URL.
        log.warning(
            "push to subscription %s on %s failed: %s",
            subscription.id,
            parts.hostname,
            type(error).__name__,
        )
    return "failed"


def _check_payload(payload: dict) -> str:
    """The payload as compact JSON; ValueError unless it is {"title", "body", "url", "tag"}
    of strings with ``url`` a path in the app and small enough for one push message."""
    if not isinstance(payload, dict) or set(payload) != {"title", "body", "url", "tag"}:
        raise ValueError('push payload must be {"title", "body", "url", "tag"}')
    if not all(isinstance(value, str) for value in payload.values()):
        raise ValueError("push payload values must be strings")
    if not payload["url"].startswith("/") or payload["url"].startswith("//"):
        raise ValueError("push payload url must be a path in the app")
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    if len(data.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"push payload is over {MAX_PAYLOAD_BYTES} bytes")
    return data


def _has_subscription(user_id: int) -> bool:
    query = select(PushSubscription.id).filter_by(user_id=user_id).limit(1)
    return db.session.scalar(query) is not None


def _preview(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1].rstrip() + "…"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(value: object, name: str) -> bytes:
    if not isinstance(value, str) or not _B64URL.match(value):
        raise PushError(f"The {name} key must be base64url text.")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise PushError(f"The {name} key must be base64url text.") from None


def _unb64_or_empty(value: str) -> bytes:
    try:
        return _unb64(value, "VAPID")
    except PushError:
        return b""


def _check_config(config) -> None:
    public, private = config.get("VAPID_PUBLIC_KEY"), config.get("VAPID_PRIVATE_KEY")
    if not public and not private:
        return
    if not (public and private):
        raise ConfigError("Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY (flask vapid-keys)")
    if len(_unb64_or_empty(private)) != 32:
        raise ConfigError("VAPID_PRIVATE_KEY must be the base64url 32-byte key (flask vapid-keys)")
    try:
        vapid = Vapid02.from_raw(private.encode())
    except (ValueError, binascii.Error):
        raise ConfigError("VAPID_PRIVATE_KEY is not a base64url P-256 private key") from None
    derived = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    if _b64(derived) != public.rstrip("="):
        raise ConfigError("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY")
    try:  # py_vapid checks the subject when signing: find out now, not at the first push
        vapid.sign({"sub": config.get("VAPID_SUBJECT") or "", "aud": "https://push.example"})
    except VapidException:
        raise ConfigError(
            "VAPID_SUBJECT must be a mailto: address or an https: origin (RFC 8292)"
        ) from None
