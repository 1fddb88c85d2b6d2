"""Shared by the profile steps: the step form base class, unit helpers, message helpers."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from app.domain import units
from app.models.profile import LIFTS
from app.web.fields import (
    ClientIdField,
    options,
)

TEXT_MAX = 2000
LIFT_CHOICES = options((lift, lift.capitalize()) for lift in LIFTS)
TIME_ZONES = sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def required(what: str):
    return InputRequired(f"{what} is required.")


def choose(what: str):
    return InputRequired(f"Choose {what}.")


def to_unit(kg: Decimal | None, unit: str) -> Decimal | None:
    """A stored kg value as the number to prefill in ``unit`` (2 dp at most, no trailing zeros)."""
    if kg is None:
        return None
    return units.from_kg(kg, unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


class StepForm(FlaskForm):
    """Base for the steps: a client id, and conversion between the user's unit and kg."""

    client_id = ClientIdField()
    title = ""
    intro = ""

    def __init__(self, *args, mass_unit: str = "kg", stored=None, **kwargs):
        self._mass_unit = mass_unit
        self._stored = stored  # the profile as saved, to keep masses the user didn't change
        super().__init__(*args, **kwargs)

    def mass_unit_for_input(self) -> str:
        return self._mass_unit

    def kg(self, field) -> Decimal | None:
        """The field's mass in kg. A value the user left as prefilled keeps the stored kg
        exactly: 66 kg shown as 145.51 lb must not come back as 66.0022 kg."""
        if field.data is None:
            return None
        unit = self.mass_unit_for_input()
        column = (
            "planned_gain_kg_per_month"
            if field.name == "planned_gain_per_month"
            else (f"{field.name}_kg")
        )
        stored = getattr(self._stored, column, None) if self._stored is not None else None
        if stored is not None and to_unit(stored, unit) == field.data:
            return stored
        return units.to_kg(field.data, unit)

    def prefill(self, profile, user) -> None:
        """Load stored values into the empty fields (GET)."""

    def values(self, user) -> tuple[dict, dict]:
        """(profile columns, user columns) from validated data, masses in kg."""
        raise NotImplementedError


def local_today(time_zone: str) -> date:
    """Today's date in ``time_zone`` (an IANA name; UTC when unknown)."""
    try:
        tz = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return datetime.now(tz).date()
