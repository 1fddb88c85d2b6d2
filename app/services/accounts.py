"""Accounts: sign-up, password sign-in, OpenID Connect sign-in with linking, CLI users."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import OidcIdentity, User
from app.models.types import utcnow
from app.models.user import ROLES
from app.services import hashing


class AccountError(Exception):
    """A sign-up or sign-in that cannot go ahead; str(error) is shown to the user."""


def normalise_email(email: str) -> str:
    """Trimmed, lower-cased email, the form accounts are stored and matched in."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


PASSWORD_MIN = 10
PASSWORD_MAX = 128
# The most common leaked passwords that pass the length rule (NIST SP 800-63B 5.1.1.2
# asks verifiers to refuse values from breach corpuses).
COMMON_PASSWORDS = {
    "1234567890",
    "12345678910",
    "0123456789",
    "1111111111",
    "qwertyuiop",
    "password12",
    "password123",
    "password1234",
    "iloveyou12",
    "abcdefghij",
    "qwerty1234",
    "1q2w3e4r5t",
    "powerlifting",
    "deadlift123",
    "letmein123",
    "welcome123",
    "passw0rd123",
}


def password_problem(password: str, email: str | None = None) -> str | None:
    """What is wrong with ``password`` as a new password, or None: 10-128 characters, not a
    well-known password (NIST SP 800-63B 5.1.1.2), not one repeated key, not the email."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "That password is too easy to guess. Try a short phrase."
    if email and password.lower() == email.strip().lower():
        return "Your password can't be your email."
    return None


def register(email: str, password: str, display_name: str, role: str = "athlete") -> User:
    """Create a local account and return it.

    A repeated sign-up with the same email and password (double tap, retry) returns the
    existing user instead of failing. Raises AccountError when the email belongs to
    someone else, ValueError for an unknown role.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    existing = find_by_email(email)
    if existing is not None:
        if hashing.verify_secret(existing.password_hash, password):
            return existing
        raise AccountError("An account with this email already exists. Sign in instead.")
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        password_hash=hashing.hash_secret(password),
        role=role,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent sign-up with the same email won the race
        db.session.rollback()
        return register(email, password, display_name, role)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password match, or None (no hint which one was wrong)."""
    user = find_by_email(email)
    if user is None or not hashing.verify_secret(user.password_hash, password):
        if user is None:
            hashing.hash_secret(password)  # same work either way: no timing oracle for emails
        return None
    if hashing.needs_rehash(user.password_hash):
        user.password_hash = hashing.hash_secret(password)
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return user


@dataclass(frozen=True)
class OidcClaims:
    """The ID-token claims we use: issuer and subject identify the person at the provider."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


def sign_in_with_oidc(claims: OidcClaims) -> User:
    """The user for these claims: linked before, linked now by verified email, or new.

    Raises AccountError when the provider's email matches a local account but is not
    verified (linking would let anyone who types that email take the account).
    """
    identity = db.session.scalar(
        select(OidcIdentity).filter_by(issuer=claims.issuer, subject=claims.subject)
    )
    if identity is not None:
        user = identity.user
    else:
        user = find_by_email(claims.email) if claims.email else None
        if user is not None and not claims.email_verified:
            raise AccountError(
                "Your provider has not verified this email, so we can't link it to the "
                "existing account. Sign in with your password instead."
            )
        if user is None:
            if not claims.email:
                raise AccountError("Your provider did not share an email address.")
            user = User(
                email=normalise_email(claims.email),
                display_name=(claims.name or claims.email.split("@")[0])[:80],
            )
            db.session.add(user)
        db.session.add(OidcIdentity(user=user, issuer=claims.issuer, subject=claims.subject))
    user.last_sign_in_at = utcnow()
    db.session.commit()
    return user


def create_user(email: str, password: str, display_name: str, role: str | None) -> User:
    """Create an account, or reset the password and name of an existing one (and its role
    when ``role`` is given): the CLI's verb. Raises ValueError for a password that breaks
    the sign-up rules (password_problem)."""
    problem = password_problem(password, email)
    if problem:
        raise ValueError(problem)
    user = find_by_email(email)
    if user is None:
        return register(email, password, display_name, role or "athlete")
    user.role = role or user.role
    user.password_hash = hashing.hash_secret(password)
    user.display_name = display_name
    db.session.commit()
    return user
