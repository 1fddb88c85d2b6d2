"""The plate calculator's form: a GET form (bookmarkable, works without JavaScript)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.domain import plates
from app.web.fields import NumberField, WholeNumberField, options

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

    def inventory_pairs(self) -> dict[str, int]:
        """The pairs per denomination: the preset's, or the custom counts typed in."""
        if self.preset.data != "custom":
            return dict(plates.PRESETS[self.preset.data]["plates"])
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
