"""The Calculators page's forms: e1RM, RPE chart, points, attempts. GET forms (bookmarkable,
no JavaScript needed); masses are typed in the signed-in user's unit. Each has a URL prefix."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.domain import attempts, points, strength
from app.web.fields import MassField, MassRange, RpeField, UnitForm, WholeNumberField, options

FORMULA_LABELS = {"rpe": "RPE chart", "epley": "Epley", "brzycki": "Brzycki"}
POINTS_LABELS = {"dots": "DOTS", "wilks": "Wilks", "wilks2020": "Wilks 2020", "ipfgl": "IPF GL"}
MAX_LOAD = str(strength.MAX_LOAD_KG)
DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}
NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class CalculatorForm(UnitForm):
    """A GET form on the Calculators page; its fields are named ``<prefix>-<field>``."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    prefix_name = ""

    def __init__(self, args, mass_unit: str, **kwargs):
        self.submitted = any(key.startswith(f"{self.prefix_name}-") for key in args)
        super().__init__(
            args if self.submitted else None,
            mass_unit=mass_unit,
            prefix=self.prefix_name,
            **kwargs,
        )

    def require(self, field, message: str) -> None:
        if field.data is None and not field.errors:
            field.errors.append(message)

    def finish(self) -> bool:
        return not any(field.errors for field in self)


class E1rmForm(CalculatorForm):
    prefix_name = "e1rm"

    load = MassField(
        "Load",
        validators=[
            InputRequired("Enter the load you lifted."),
            MassRange("1", MAX_LOAD, "a load"),
        ],
        render_kw=DECIMAL,
    )
    reps = WholeNumberField(
        "Reps",
        validators=[InputRequired("Enter the reps."), NumberRange(1, 30, "Enter 1 to 30 reps.")],
        render_kw=NUMERIC,
    )
    rpe = RpeField("RPE", render_kw=DECIMAL)
    formula = RadioField(
        "Formula", choices=options(FORMULA_LABELS.items()), default="rpe", coerce=str
    )

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.formula.data != "rpe":
            self.rpe.errors = []  # hidden, and ignored by Epley and Brzycki
        else:
            self.require(self.rpe, "The RPE chart needs it.")
        chart_reps = strength.MAX_CHART_REPS
        if self.formula.data != "epley" and (self.reps.data or 0) > chart_reps:
            self.reps.errors.append(f"1 to {chart_reps} reps here (Epley: up to 30).")
        return self.finish()


class RpeChartForm(CalculatorForm):
    prefix_name = "rpe"

    source = RadioField(
        "From",
        choices=options([("e1rm", "My e1RM"), ("set", "A recent set")]),
        default="e1rm",
        coerce=str,
    )
    e1rm = MassField(
        "e1RM",
        validators=[Optional(), MassRange("1", MAX_LOAD, "an e1RM")],
        render_kw=DECIMAL,
    )
    set_load = MassField(
        "Set load", validators=[Optional(), MassRange("1", MAX_LOAD, "a load")], render_kw=DECIMAL
    )
    set_reps = WholeNumberField(
        "Set reps",
        validators=[Optional(), NumberRange(1, strength.MAX_CHART_REPS, "Enter 1 to 12 reps.")],
        render_kw=NUMERIC,
    )
    set_rpe = RpeField("Set RPE", render_kw=DECIMAL)
    reps = WholeNumberField(
        "Reps",
        validators=[
            InputRequired("Enter the reps you plan."),
            NumberRange(1, strength.MAX_CHART_REPS, "The chart goes from 1 to 12 reps."),
        ],
        render_kw=NUMERIC,
    )
    rpe = RpeField("RPE", validators=[InputRequired("Enter the RPE you plan.")], render_kw=DECIMAL)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.source.data == "set":
            self.e1rm.errors = []  # hidden: the set is what counts
            self.require(self.set_load, "Enter the set's load.")
            self.require(self.set_reps, "Enter the set's reps.")
            self.require(self.set_rpe, "Enter the set's RPE.")
        else:
            for field in (self.set_load, self.set_reps, self.set_rpe):
                field.errors = []  # hidden: the e1RM is what counts
        return self.finish()


class PointsForm(CalculatorForm):
    prefix_name = "points"

    sex = RadioField(
        "Sex",
        choices=options([("M", "Male"), ("F", "Female")]),
        validators=[InputRequired("Choose male or female: the formulas differ.")],
        coerce=str,
    )
    bodyweight = MassField(
        "Bodyweight",
        validators=[
            InputRequired("Enter your bodyweight."),
            MassRange("20", "400", "a bodyweight"),
        ],
        render_kw=DECIMAL,
    )
    total = MassField(
        "Total",
        validators=[InputRequired("Enter the total."), MassRange("1", "2000", "a total")],
        render_kw=DECIMAL,
    )
    equipment = RadioField(
        "Equipment",
        choices=options([("classic", "Classic"), ("equipped", "Equipped")]),
        default=points.EQUIPMENT[0],
        coerce=str,
    )
    event = RadioField(
        "Event",
        choices=options([("sbd", "Full power"), ("b", "Bench only")]),
        default=points.EVENTS[0],
        coerce=str,
    )


class AttemptsForm(CalculatorForm):
    prefix_name = "attempts"

    projected_max = MassField(
        "Projected max",
        validators=[
            InputRequired("Enter the max you expect on the day."),
            MassRange("25", MAX_LOAD, "a projected max"),
        ],
        render_kw=DECIMAL,
    )
    federation = SelectField(
        "Federation", choices=options((key, key) for key in attempts.RULES), default="IPF"
    )
    style = SelectField(
        "Style", choices=options((key, key.title()) for key in attempts.STYLES), default="standard"
    )
    record = MassField(
        "Record to beat",
        description="Optional: a third within reach goes for the record.",
        validators=[Optional(), MassRange("1", MAX_LOAD, "a record")],
        render_kw=DECIMAL,
    )
    competition = BooleanField("Competition plates (IPF discs, 2.5 kg collars)")
