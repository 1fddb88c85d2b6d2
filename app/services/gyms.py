"""Saved gyms: each user's plate inventories for the plate calculator (several allowed)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import plates, units
from app.extensions import db
from app.models import Gym, User
from app.services import receipts

MAX_GYMS = 12


class GymError(ValueError):
    """A gym that can't be saved; ``str()`` says why, for the user."""


def of(user: User) -> list[Gym]:
    """The user's gyms by name."""
    return list(
        db.session.scalars(select(Gym).filter_by(user_id=user.id).order_by(Gym.name, Gym.id))
    )


def as_presets(user: User) -> dict[str, dict]:
    """The user's gyms shaped like plates.PRESETS, keyed 'gym-<id>' (the calculator offers
    them next to the presets, offline too)."""
    return {
        f"gym-{g.id}": {
            "label": g.name,
            "unit": g.unit,
            "bar": units.plain(g.bar),
            "collar": units.plain(g.collar),
            "plates": dict(g.plates),
        }
        for g in of(user)
    }


def save(
    user: User, name: str, unit: str, bar: Decimal, collar: Decimal, pairs: dict, client_id: str
) -> Gym:
    """Save a gym (committed); the same ``client_id`` returns the gym already saved. Raises
    GymError for an empty name, too many gyms or an inventory the calculator can't use."""
    previous = receipts.existing(Gym, user.id, client_id)
    if previous is not None:
        return previous
    name = (name or "").strip()[:80]
    if not name:
        raise GymError("Name the gym, e.g. 'Garage' or 'Iron Temple'.")
    if len(of(user)) >= MAX_GYMS:
        raise GymError(f"You can keep {MAX_GYMS} gyms; delete one first.")
    try:
        stock = plates.inventory(pairs, unit)
        plates.to_units(bar, unit), plates.to_units(collar, unit)
    except plates.PlateError as error:
        raise GymError(str(error)) from None
    gym = Gym(
        user_id=user.id,
        client_id=client_id,
        name=name,
        unit=unit,
        bar=bar,
        collar=collar,
        plates={p.label: count for p, count in stock},
    )
    db.session.add(gym)
    try:
        db.session.commit()
    except IntegrityError:
        return receipts.after_conflict(Gym, user, client_id)
    return gym


def delete(gym: Gym) -> None:
    db.session.delete(gym)
    db.session.commit()
