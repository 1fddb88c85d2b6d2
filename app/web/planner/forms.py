"""Planner forms: the meet, a logged set, completing a workout."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.domain import weight_classes
from app.web.fields import (
    ClientIdField,
    MassField,
    MassRange,
    RpeField,
    UnitForm,
    WholeNumberField,
    options,
)

LIFT_OPTIONS = options(
    [("", "Other"), ("squat", "Squat"), ("bench", "Bench"), ("deadlift", "Deadlift")]
)


class MeetForm(FlaskForm):
    client_id = ClientIdField()
    name = StringField(
        "Meet name",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Name the meet."),
            Length(max=120, message="Keep the name under 120 characters."),
        ],
        render_kw={"placeholder": "e.g. Nationals 2027"},
    )
    meet_date = DateField(
        "Meet date", validators=[InputRequired("Pick the meet date.")], render_kw={"type": "date"}
    )
    federation = SelectField(
        "Federation",
        choices=options(weight_classes.FEDERATIONS.items()),
        validators=[InputRequired("Choose a federation.")],
    )
    location = StringField(
        "Location",
        validators=[Optional(), Length(max=160, message="Keep the location under 160 characters.")],
        render_kw={"placeholder": "City or venue (optional)"},
    )

    def __init__(self, *args, today, **kwargs):
        self._today = today
        super().__init__(*args, **kwargs)

    def validate_meet_date(self, field):
        if field.data is None:  # not a real date: the field already says so
            raise ValidationError("Enter a date like 2027-03-14.")
        if field.data < self._today:
            raise ValidationError("The meet date is in the past.")
        if field.data > self._today + timedelta(weeks=52):
            raise ValidationError("Plans reach 52 weeks out: pick a meet within a year.")

    def values(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "meet_date": self.meet_date.data,
            "federation": self.federation.data,
            "location": (self.location.data or "").strip() or None,
        }


class SetForm(UnitForm):
    """One set as typed on a phone: load in the user's unit, reps, optional RPE."""

    client_id = ClientIdField()
    exercise = HiddenField(validators=[InputRequired("Which exercise?"), Length(max=80)])
    lift = SelectField("Lift", choices=LIFT_OPTIONS, validators=[Optional()])
    load = MassField(
        "Weight",
        validators=[InputRequired("Enter the weight."), MassRange("0", "1000", "a weight")],
        render_kw={"inputmode": "decimal"},
    )
    reps = WholeNumberField(
        "Reps",
        validators=[InputRequired("Enter the reps."), NumberRange(1, 50, "Enter 1 to 50 reps.")],
        render_kw={"inputmode": "numeric"},
    )
    rpe = RpeField("RPE", render_kw={"inputmode": "decimal"})
    confirm = BooleanField("Yes, that weight is right")
    confirm_needed = False

    def rpe_value(self) -> Decimal | None:
        return self.rpe.rpe


class CompleteForm(FlaskForm):
    client_id = ClientIdField()
    notes = TextAreaField(
        "Notes",
        validators=[Length(max=2000, message=("Keep notes under 2000 characters."))],
        render_kw={"rows": 3, "placeholder": "How did it feel? Anything to tell your coach?"},
    )
