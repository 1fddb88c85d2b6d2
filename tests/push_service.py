"""A local Web Push service for tests, and the browser's side of RFC 8291 / RFC 8292.

``running_push_service()`` starts an HTTP server on 127.0.0.1 (port 0) that records every push
message it is sent and answers with a status chosen per endpoint path. ``Browser`` holds
what a browser keeps for a subscription (a P-256 key pair and a 16-byte auth secret) and
decrypts a message as a browser would, written here from RFC 8291 section 3 and RFC 8188
section 2 so it doesn't share code with the sender (pywebpush, http_ece).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


@dataclass
class KeySchedule:
    """The RFC 8291 section 3.3/3.4 values, named as in the RFC's Appendix A."""

    ecdh_secret: bytes
    prk_key: bytes
    ikm: bytes
    prk: bytes
    cek: bytes
    nonce: bytes


def key_schedule(
    ua_private: ec.EllipticCurvePrivateKey, as_public: bytes, auth_secret: bytes, salt: bytes
) -> KeySchedule:
    """RFC 8291 section 3.4, from the user agent's side. HKDF with a 32-byte (or shorter)
    output is one HMAC of the info plus 0x01, which is how the RFC writes it out."""
    ua_public = ua_private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
    ecdh_secret = ua_private.exchange(ec.ECDH(), peer)
    prk_key = _hmac(auth_secret, ecdh_secret)
    key_info = b"WebPush: info\x00" + ua_public + as_public
    ikm = _hmac(prk_key, key_info + b"\x01")
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, b"Content-Encoding: aes128gcm\x00\x01")[:16]
    nonce = _hmac(prk, b"Content-Encoding: nonce\x00\x01")[:12]
    return KeySchedule(ecdh_secret, prk_key, ikm, prk, cek, nonce)


def decrypt(body: bytes, ua_private: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """Decrypt an aes128gcm push message (RFC 8188 header: salt(16) rs(4) idlen(1) keyid,
    the keyid being the sender's ephemeral P-256 key). Web Push sends a single record
    (RFC 8291 section 4), so the padding delimiter must be 0x02, the last record's."""
    salt, rs, idlen = body[:16], struct.unpack("!I", body[16:20])[0], body[20]
    as_public, records = body[21 : 21 + idlen], body[21 + idlen :]
    assert idlen == 65 and as_public[0] == 4, "keyid is not an uncompressed P-256 point"
    assert rs >= 18 and len(records) <= rs, "more than one record"
    keys = key_schedule(ua_private, as_public, auth_secret, salt)
    padded = AESGCM(keys.cek).decrypt(keys.nonce, records, None)  # record 0: nonce XOR 0
    unpadded = padded.rstrip(b"\x00")
    assert unpadded.endswith(b"\x02"), "not the last record's delimiter"
    return unpadded[:-1]


@dataclass
class Browser:
    """A browser's push keys: ``subscription(endpoint)`` is its PushSubscription.toJSON()."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self, endpoint: str) -> dict:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": b64url(point), "auth": b64url(self.auth_secret)}
        return {"endpoint": endpoint, "expirationTime": None, "keys": keys}

    def read(self, body: bytes) -> dict:
        return json.loads(decrypt(body, self.private_key, self.auth_secret))


def verify_vapid(authorization: str) -> tuple[str, dict]:
    """Check an RFC 8292 ``vapid t=<JWT>, k=<key>`` header: the JWT is ES256 and its
    signature verifies with ``k``. Returns (k, claims); AssertionError or InvalidSignature
    otherwise."""
    match = re.fullmatch(r"vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)", authorization)
    assert match, f"not a vapid Authorization header: {authorization!r}"
    token, key = match.groups()
    header, claims, signature = token.split(".")
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    assert len(raw) == 64, "ES256 signatures are r || s, 32 bytes each (RFC 7518 3.4)"
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    return key, json.loads(unb64url(claims))


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class PushService:
    """The recording push service: ``endpoint()`` mints a subscription URL; ``answer[path]``
    sets the status for one (201 Created by default, as push services answer)."""

    def __init__(self, server: ThreadingHTTPServer):
        self.server = server
        self.received: list[Received] = []
        self.answer: dict[str, int] = {}
        self.origin = f"http://127.0.0.1:{server.server_address[1]}"

    def endpoint(self, status: int | None = None) -> str:
        path = f"/wpush/{secrets.token_urlsafe(12)}"
        if status is not None:
            self.answer[path] = status
        return self.origin + path

    def to(self, endpoint: str) -> list[Received]:
        path = endpoint.removeprefix(self.origin)
        return [message for message in self.received if message.path == path]


@contextmanager
def running_push_service():
    service: PushService | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            service.received.append(Received(self.path, headers, body))
            self.send_response(service.answer.get(self.path, 201))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def vapid_settings() -> dict:
    """Config overrides that turn push on with a fresh key pair."""
    from app.services import push

    public, private = push.generate_keys()
    return {
        "VAPID_PUBLIC_KEY": public,
        "VAPID_PRIVATE_KEY": private,
        "VAPID_SUBJECT": "mailto:ops@meetday.test",
    }


def run_queued_pushes() -> list[tuple[str, tuple]]:
    """Without Redis the push jobs already ran in-process; with Redis, run the queued ones
    (and the outbox event jobs, such as 'dm.message.sent', that push) here as a worker
    would, and empty the queues. Returns (queue, args) of each job run."""
    from app import jobs
    from app.services import events, push

    ran = []
    if jobs.in_process():
        return ran
    for name in ("default", "reminders"):
        queue = jobs.queue(name)
        for job in queue.jobs:
            if job.func_name in (push.JOB, events.JOB):
                job.perform()
                ran.append((name, job.args))
        queue.empty()
    return ran
