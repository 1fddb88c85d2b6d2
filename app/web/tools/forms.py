"""The plate calculator's form: a GET form (bookmarkable, works without JavaScript)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.domain import plates
from app.web.fields import ClientIdField, NumberField, WholeNumberField, options

DENOMINATIONS = {
    "kg": ("50", "25", "20", "15", "10", "5", "2.5", "1.25", "0.5", "0.25"),
    "lb": ("100", "55", "45", "35", "25", "10", "5", "2.5", "1.25"),
}


def pair_field(unit: str, denomination: str) -> str:
    """The form field holding how many pairs of a plate the gym has: 'kg_2_5'."""
    return f"{unit}_{denomination.replace('.', '_')}"


class PlateForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    target = NumberField(
        "Target",
        validators=[
            InputRequired("Enter the load you want on the bar."),
            NumberRange(min=0, max=3000),
        ],
    )
    unit = RadioField("Unit", choices=options([("kg", "kg"), ("lb", "lb")]), default="kg")
    preset = SelectField(
        "Plates",
        choices=options(
            [(key, value["label"]) for key, value in plates.PRESETS.items()]
            + [("custom", "My gym (set the pairs below)")]
        ),
        default="kg-gym",
    )
    bar = NumberField("Bar", validators=[Optional(), NumberRange(min=0, max=100)])
    collar = NumberField("One collar", validators=[Optional(), NumberRange(min=0, max=10)])
    plate_unit = RadioField(
        "Plates in", choices=options([("kg", "kg"), ("lb", "lb")]), default="kg"
    )

    def offer(self, presets: dict[str, dict]) -> None:
        """Offer ``presets`` (the built-in ones and the user's gyms) in the Plates menu."""
        self.presets = presets
        self.preset.choices = options(
            [(key, value["label"]) for key, value in presets.items()]
            + [("custom", "Other (set the pairs below)")]
        )

    def inventory_pairs(self) -> dict[str, int]:
        """The pairs per denomination: the chosen preset's or gym's, or the counts typed in."""
        chosen = getattr(self, "presets", plates.PRESETS).get(self.preset.data)
        if chosen is not None:
            return dict(chosen["plates"])
        unit = self.plate_unit.data
        return {d: getattr(self, pair_field(unit, d)).data or 0 for d in DENOMINATIONS[unit]}


for _unit, _denominations in DENOMINATIONS.items():
    for _d in _denominations:
        setattr(
            PlateForm,
            pair_field(_unit, _d),
            WholeNumberField(
                f"{_d} {_unit}", validators=[Optional(), NumberRange(min=0, max=plates.MAX_PAIRS)]
            ),
        )


class GymForm(FlaskForm):
    """Name the calculator's current inventory to keep it as one of your gyms."""

    client_id = ClientIdField()
    name = StringField("Gym name", validators=[InputRequired("Name the gym."), Length(max=80)])
