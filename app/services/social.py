"""Following athletes and passcode-protected feeds (short-lived signed grants)."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AthleteProfile, CoachLink, Follow, User
from app.services import hashing

GRANT_SECONDS = 12 * 3600


class PasscodeRequired(PermissionError):
    """Following (or seeing) this feed needs its passcode first."""


def _profile(user_id: int) -> AthleteProfile | None:
    return db.session.scalar(select(AthleteProfile).filter_by(user_id=user_id))


def is_protected(user_id: int) -> bool:
    """True when the user's feed sits behind a passcode."""
    profile = _profile(user_id)
    return bool(profile and profile.feed_visibility == "passcode" and profile.feed_passcode_hash)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="feed-grant")


def _passcode_version(user_id: int) -> str:
    # Changes whenever the passcode does (a new salted hash), which revokes old grants.
    profile = _profile(user_id)
    return hashlib.sha256((profile.feed_passcode_hash or "").encode()).hexdigest()[:16]


def check_passcode(feed_owner_id: int, passcode: str) -> str | None:
    """A signed grant for that feed when ``passcode`` is right, else None (Argon2 verify)."""
    profile = _profile(feed_owner_id)
    if profile is None or not hashing.verify_secret(profile.feed_passcode_hash, passcode):
        return None
    return _serializer().dumps({"feed": feed_owner_id, "v": _passcode_version(feed_owner_id)})


def grant_valid(feed_owner_id: int, token: str | None) -> bool:
    """True for an unexpired grant of this feed, signed by us, for its current passcode."""
    if not token:
        return False
    try:
        data = _serializer().loads(token, max_age=GRANT_SECONDS)
    except BadSignature:  # includes SignatureExpired
        return False
    return data.get("feed") == feed_owner_id and data.get("v") == _passcode_version(feed_owner_id)


def coaches(coach_id: int | None, athlete_id: int) -> bool:
    """True when ``coach_id`` is the coach of ``athlete_id``."""
    if not coach_id:
        return False
    return (
        db.session.scalar(select(CoachLink.id).filter_by(coach_id=coach_id, athlete_id=athlete_id))
        is not None
    )


def link_coach(coach: User, athlete: User) -> None:
    """Make ``coach`` the athlete's coach (replacing any other); idempotent."""
    link = db.session.scalar(select(CoachLink).filter_by(athlete_id=athlete.id))
    if link is None:
        db.session.add(CoachLink(coach_id=coach.id, athlete_id=athlete.id))
    else:
        link.coach_id = coach.id
    db.session.commit()


def is_following(follower_id: int | None, followee_id: int) -> bool:
    if not follower_id:
        return False
    return (
        db.session.scalar(
            select(Follow.id).filter_by(follower_id=follower_id, followee_id=followee_id)
        )
        is not None
    )


def follow(follower: User, followee: User, has_grant: bool) -> None:
    """Follow ``followee`` (idempotent). Raises PasscodeRequired for a protected feed
    without a valid grant, ValueError for following oneself."""
    if follower.id == followee.id:
        raise ValueError("You can't follow yourself.")
    if is_protected(followee.id) and not has_grant:
        raise PasscodeRequired("Enter this athlete's passcode to follow them.")
    db.session.add(Follow(follower_id=follower.id, followee_id=followee.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # already following


def unfollow(follower: User, followee: User) -> None:
    db.session.execute(delete(Follow).filter_by(follower_id=follower.id, followee_id=followee.id))
    db.session.commit()


def followee_ids(user_id: int) -> list[int]:
    return list(db.session.scalars(select(Follow.followee_id).filter_by(follower_id=user_id)))
