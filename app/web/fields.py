"""Form fields shared by blueprints: masses in the user's unit, strict numbers, yes/no, client ids."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, IntegerField, RadioField, SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from app.domain import units

MAX_NUMBER_CHARS = 20
MAX_MAGNITUDE = Decimal(10) ** 6  # no field of ours needs more; keeps Decimal math in range
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _clean(raw: str) -> str:
    return raw.strip().replace(",", ".")


def options(pairs) -> list[SelectChoice]:
    """Choices for a SelectField or RadioField from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def int_choice(value):
    """Coerce for numeric radio choices: '4' -> 4; anything else stays as typed, so the
    field answers "Not a valid choice." instead of a coercion error."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 4 else value


class NumberField(DecimalField):
    """A finite decimal; '82,5' is read as 82.5; anything else gets one clear message.

    Rendered as a text input with a decimal keypad: type=number would turn '82,5' into 825
    in some locales before we ever saw it.
    """

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        raw = _clean(valuelist[0])
        try:
            if len(raw) > MAX_NUMBER_CHARS:
                raise InvalidOperation
            value = Decimal(raw)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise ValueError("Enter a number, like 82.5.") from None
        if abs(value) >= MAX_MAGNITUDE:
            raise ValueError("That number is far too large.")
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else units.plain(self.data)


class WholeNumberField(IntegerField):
    """An integer; decimals, words and over-long input get one clear message."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        raw = valuelist[0].strip()
        if len(raw) > MAX_NUMBER_CHARS or not re.fullmatch(r"[+-]?\d+", raw):
            raise ValueError("Enter a whole number.")
        if abs(int(raw)) >= MAX_MAGNITUDE:
            raise ValueError("That number is far too large.")
        self.data = int(raw)


class RpeField(NumberField):
    """An optional RPE: 6 to 10 in half steps (the RTS chart's range); ``rpe`` is the value."""

    def pre_validate(self, form):
        from app.domain import strength

        if self.data is None:
            return
        try:
            strength.normalise_rpe(self.data)
        except strength.StrengthInputError:
            raise ValidationError("RPE goes from 6 to 10 in half steps.") from None

    @property
    def rpe(self) -> Decimal | None:
        from app.domain import strength

        return None if self.data is None else strength.normalise_rpe(self.data)


class MassField(NumberField):
    """A mass typed in the form's unit (``form.mass_unit_for_input()``)."""


class MassRange:
    """Validate a MassField between ``min_kg`` and ``max_kg``, with the message in the user's unit."""

    def __init__(self, min_kg: str, max_kg: str, what: str):
        self.min_kg, self.max_kg, self.what = Decimal(min_kg), Decimal(max_kg), what

    def __call__(self, form, field):
        if field.data is None:
            return
        unit = form.mass_unit_for_input()
        kg = units.to_kg(field.data, unit)
        if not self.min_kg <= kg <= self.max_kg:
            low = units.display_mass(self.min_kg, unit, 0)
            high = units.display_mass(self.max_kg, unit, 0)
            raise ValidationError(f"Enter {self.what} between {low} and {high}.")


class YesNoField(RadioField):
    """A required yes/no choice whose ``data`` is True or False."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label, validators, choices=options([("yes", "Yes"), ("no", "No")]), coerce=str, **kwargs
        )

    def process_data(self, value):
        self.data = {True: "yes", False: "no"}.get(value, value)

    @property
    def as_bool(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.data)


class ClientIdField(HiddenField):
    """The client-generated id (UUID) minted when the form was rendered."""

    def pre_validate(self, form):
        if not self.data or not UUID_RE.match(self.data):
            raise ValidationError("This form lost its id. Reload the page and try again.")


class UnitForm(FlaskForm):
    """A form whose masses are typed in the signed-in user's unit (``mass_unit``)."""

    def __init__(self, *args, mass_unit: str = "kg", **kwargs):
        self._mass_unit = mass_unit
        super().__init__(*args, **kwargs)

    def mass_unit_for_input(self) -> str:
        return self._mass_unit
