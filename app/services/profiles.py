"""The athlete profile: saving onboarding steps idempotently, one row per athlete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import weight_classes
from app.extensions import db
from app.models import AthleteProfile, User
from app.models.profile import ONBOARDING_STEPS
from app.models.types import utcnow
from app.services import hashing, receipts


@dataclass(frozen=True)
class SaveResult:
    profile: AthleteProfile
    replayed: bool  # True when this client id was already applied: nothing changed


def profile_of(user: User) -> AthleteProfile | None:
    return db.session.scalar(select(AthleteProfile).filter_by(user_id=user.id))


def save_step(
    user: User, step: int, profile_values: dict, user_values: dict, client_id: str
) -> SaveResult:
    """Apply one onboarding step's values (masses in kg, height in cm) and commit.

    ``profile_values`` may carry ``feed_passcode`` in clear text; only its Argon2 hash is
    stored. The same ``client_id`` with the same values (double tap, retry, offline replay)
    changes nothing; with other values (a stale form) it is applied. Raises ValueError for a
    step outside 1..5.
    """
    if not 1 <= step <= ONBOARDING_STEPS:
        raise ValueError(f"onboarding step must be 1..{ONBOARDING_STEPS}, got {step}")
    digest = receipts.fingerprint(step, sorted(profile_values.items()), sorted(user_values.items()))
    if receipts.is_replay(user.id, client_id, digest):
        return SaveResult(profile_of(user), replayed=True)
    try:
        receipts.stamp(user.id, client_id, f"profile.step{step}", digest)
        profile = _apply(user, step, dict(profile_values), user_values)
        db.session.commit()
    except IntegrityError:  # the same client id (or a first profile) raced in: a replay
        db.session.rollback()
        return SaveResult(profile_of(user), replayed=True)
    return SaveResult(profile, replayed=False)


def _drop_class_not_offered(profile: AthleteProfile) -> None:
    """A sex or federation change can leave a class that doesn't exist for the lifter
    (93 kg for a woman): clear it so the profile asks for a class again."""
    if not (profile.weight_class and profile.federation and profile.sex):
        return
    on = profile.meet_date or utcnow().date()
    try:
        offered = weight_classes.classes_for(profile.federation, profile.sex, on)
    except ValueError:
        offered = ()
    if profile.weight_class not in offered:
        profile.weight_class = None


def _apply(user, step, profile_values, user_values) -> AthleteProfile:
    profile = profile_of(user)
    if profile is None:
        profile = AthleteProfile(user_id=user.id, steps_done=0)
        db.session.add(profile)
    passcode = profile_values.pop("feed_passcode", None)
    if passcode:
        profile.feed_passcode_hash = hashing.hash_secret(passcode)
    if profile_values.get("feed_visibility") == "public":
        profile.feed_passcode_hash = None
    for name, value in profile_values.items():
        setattr(profile, name, value)
    for name, value in user_values.items():
        setattr(user, name, value)
    _drop_class_not_offered(profile)
    profile.steps_done = max(profile.steps_done or 0, step)
    if step == ONBOARDING_STEPS and profile.completed_at is None:
        profile.completed_at = utcnow()
    db.session.flush()
    return profile
