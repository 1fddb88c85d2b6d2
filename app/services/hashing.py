"""Password and passcode hashing with Argon2id (argon2-cffi, RFC 9106 parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's second recommendation


def hash_secret(secret: str) -> str:
    """Return an encoded Argon2id hash of ``secret`` (salt and parameters included)."""
    return _hasher.hash(secret)


def verify_secret(encoded: str | None, secret: str) -> bool:
    """True when ``secret`` matches ``encoded``; False for a mismatch or a missing hash."""
    if not encoded:
        return False
    try:
        return _hasher.verify(encoded, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    """True when ``encoded`` was made with weaker parameters than the current ones."""
    return _hasher.check_needs_rehash(encoded)
