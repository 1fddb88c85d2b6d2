"""The athlete profile, as five short steps: about you and your meet here; lifts, training
and health in forms_training. Each form reads and writes profile values in kg/cm."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from app.domain import units, weight_classes
from app.web.fields import (
    MassField,
    MassRange,
    NumberField,
    WholeNumberField,
    options,
)
from app.web.onboarding.base import (
    TEXT_MAX,
    TIME_ZONES,
    StepForm,
    choose,
    required,
    to_unit,
)


class BodyForm(StepForm):
    title = "About you"
    intro = "Your units, and what the points formulas and weight classes need."

    mass_unit = RadioField(
        "Weights in",
        choices=options([("kg", "kg"), ("lb", "lb")]),
        default="kg",
        validators=[choose("kg or lb")],
    )
    height_unit = RadioField(
        "Height in",
        choices=options([("cm", "cm"), ("ftin", "ft / in")]),
        default="cm",
        validators=[choose("cm or ft/in")],
    )
    sex = RadioField(
        "Sex",
        choices=options([("M", "Male"), ("F", "Female")]),
        description="Used for points (DOTS, IPF GL) and weight classes.",
        validators=[choose("the category you compete in")],
    )
    age = WholeNumberField(
        "Age",
        validators=[required("Age"), NumberRange(13, 100, "Enter an age between 13 and 100.")],
        render_kw={"inputmode": "numeric"},
    )
    bodyweight = MassField(
        "Bodyweight",
        validators=[required("Bodyweight"), MassRange("30", "250", "a bodyweight")],
        render_kw={"inputmode": "decimal", "data-mass": "true"},
    )
    height_cm = NumberField("Height", validators=[Optional()], render_kw={"inputmode": "decimal"})
    height_ft = WholeNumberField(
        "Feet", validators=[Optional()], render_kw={"inputmode": "numeric"}
    )
    height_in = NumberField("Inches", validators=[Optional()], render_kw={"inputmode": "decimal"})
    time_zone = SelectField(
        "Time zone",
        choices=options([(tz, tz.replace("_", " ")) for tz in TIME_ZONES]),
        default="UTC",
        validate_choice=False,
        description="Reminders arrive at a sensible local time.",
    )

    def mass_unit_for_input(self) -> str:
        return self.mass_unit.data if self.mass_unit.data in units.MASS_UNITS else "kg"

    def validate_time_zone(self, field):
        if field.data not in TIME_ZONES:
            raise ValidationError("Choose a time zone from the list.")

    def height_in_cm(self) -> Decimal | None:
        if self.height_unit.data == "ftin":
            if self.height_ft.data is None:
                return None
            return units.feet_inches_to_cm(self.height_ft.data, self.height_in.data or 0)
        if self.height_cm.data is None:
            return None
        return self.height_cm.data.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.height_ft.errors or self.height_in.errors or self.height_cm.errors:
            return False
        cm = self.height_in_cm()
        target = self.height_ft if self.height_unit.data == "ftin" else self.height_cm
        if cm is None:
            target.errors = [*target.errors, "Height is required."]
            return False
        if self.height_in.data is not None and not 0 <= self.height_in.data < 12:
            self.height_in.errors = [*self.height_in.errors, "Inches must be from 0 to under 12."]
            return False
        if not Decimal("120") <= cm <= Decimal("230"):
            message = (
                "Enter a height between 3 ft 11 in and 7 ft 6 in."
                if self.height_unit.data == "ftin"
                else "Enter a height between 120 and 230 cm."
            )
            target.errors = [*target.errors, message]
            return False
        return ok

    def prefill(self, profile, user) -> None:
        self.mass_unit.data = user.mass_unit
        self.height_unit.data = user.height_unit
        self.time_zone.data = user.time_zone
        self._mass_unit = user.mass_unit
        if profile is None:
            return
        self.sex.data = profile.sex
        self.age.data = profile.age
        self.bodyweight.data = to_unit(profile.bodyweight_kg, user.mass_unit)
        if profile.height_cm is not None:
            self.height_cm.data = profile.height_cm
            feet, inches = units.cm_to_feet_inches(profile.height_cm)
            self.height_ft.data, self.height_in.data = feet, inches

    def values(self, user):
        profile = {
            "sex": self.sex.data,
            "age": self.age.data,
            "bodyweight_kg": self.kg(self.bodyweight),
            "height_cm": self.height_in_cm(),
        }
        account = {
            "mass_unit": self.mass_unit.data,
            "height_unit": self.height_unit.data,
            "time_zone": self.time_zone.data,
        }
        return profile, account


class MeetForm(StepForm):
    title = "Your meet"
    intro = "Pick a date or say how many weeks out you are; we work out the other."

    federation = SelectField(
        "Federation",
        choices=options(list(weight_classes.FEDERATIONS.items())),
        validators=[choose("a federation")],
    )
    meet_date = DateField(
        "Meet date", validators=[Optional()], render_kw={"placeholder": "yyyy-mm-dd"}
    )
    weeks_to_meet = WholeNumberField(
        "…or weeks to go",
        validators=[Optional(), NumberRange(1, 104, "Enter between 1 and 104 weeks.")],
        render_kw={"inputmode": "numeric"},
    )
    weight_class = SelectField(
        "Target weight class", choices=[], validators=[choose("a weight class")]
    )
    weight_plan = RadioField(
        "Bodyweight plan",
        choices=options([("maintain", "Maintain"), ("cut", "Cut"), ("gain", "Gain")]),
        default="maintain",
        validators=[choose("a bodyweight plan")],
    )
    target_bodyweight = MassField(
        "Target bodyweight",
        render_kw={"inputmode": "decimal"},
        description="Needed for a cut or a gain.",
    )
    past_competitions = TextAreaField(
        "Past competitions",
        validators=[Length(max=TEXT_MAX, message=f"Keep this under {TEXT_MAX} characters.")],
        description="One per line, e.g. “2025 Nationals – 560 kg total”. Optional.",
    )

    def __init__(self, *args, sex: str = "M", bodyweight_kg=None, today: date, **kwargs):
        self._sex, self._bodyweight_kg, self._today = sex, bodyweight_kg, today
        super().__init__(*args, **kwargs)
        self.set_class_choices(self.federation.data or "IPF")

    def meet_day(self) -> date | None:
        if self.meet_date.data:
            return self.meet_date.data
        if self.weeks_to_meet.data and 1 <= self.weeks_to_meet.data <= 104:
            return self._today + timedelta(weeks=self.weeks_to_meet.data)
        return None

    def set_class_choices(self, federation: str) -> None:
        """Offer the classes in force on the meet day (today's for a date out of range)."""
        if federation not in weight_classes.FEDERATIONS:
            federation = "IPF"
        on = self.meet_day() or self._today
        if not self._today <= on <= self._today + timedelta(weeks=104):
            on = self._today  # the date gets its own error; don't offer classes of 1980
        names = weight_classes.classes_for(federation, self._sex, on)
        self.weight_class.choices = options(
            (n, weight_classes.class_label(n, self._mass_unit)) for n in names
        )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.meet_date.raw_data and self.meet_date.raw_data[0]) and not (
            self.weeks_to_meet.raw_data and self.weeks_to_meet.raw_data[0].strip()
        ):
            self.meet_date.errors = [
                *self.meet_date.errors,
                "Enter the meet date or the weeks until it.",
            ]
            return False
        return ok

    def validate_weight_class(self, field):
        """The class must be one the lifter can make: at or above the bodyweight they'll weigh in at."""
        if not field.data or field.data.endswith("+") or self._bodyweight_kg is None:
            return
        plan = self.weight_plan.data
        weigh_in = self._bodyweight_kg
        if plan in ("cut", "gain") and self.target_bodyweight.data is not None:
            weigh_in = self.kg(self.target_bodyweight)
        limit = Decimal(field.data)
        if weigh_in > limit:
            unit = self.mass_unit_for_input()
            raise ValidationError(
                f"You'd weigh in at {units.display_mass(weigh_in, unit)}, over the "
                f"{weight_classes.class_label(field.data, unit)} limit: choose a heavier class "
                "or plan a cut to it."
            )

    def validate_meet_date(self, field):
        if field.data is None:
            return
        if field.data < self._today:
            raise ValidationError("The meet date is in the past.")
        if field.data > self._today + timedelta(weeks=104):
            raise ValidationError("Pick a meet within the next two years.")

    def validate_target_bodyweight(self, field):
        plan = self.weight_plan.data
        if plan not in ("cut", "gain"):
            return  # hidden while maintaining: whatever it holds is ignored
        if field.data is None:
            raise ValidationError(f"Enter the bodyweight you want to {plan} to.")
        MassRange("30", "250", "a target bodyweight")(self, field)
        if self._bodyweight_kg is None:
            return
        target = self.kg(field)
        if plan == "cut" and target >= self._bodyweight_kg:
            raise ValidationError("A cut needs a target below your bodyweight.")
        if plan == "gain" and target <= self._bodyweight_kg:
            raise ValidationError("A gain needs a target above your bodyweight.")

    def prefill(self, profile, user) -> None:
        if profile is None:
            return
        self.federation.data = profile.federation or "IPF"
        self.meet_date.data = profile.meet_date
        self.weight_class.data = profile.weight_class
        self.weight_plan.data = profile.weight_plan or "maintain"
        self.target_bodyweight.data = to_unit(profile.target_bodyweight_kg, user.mass_unit)
        self.past_competitions.data = profile.past_competitions
        self.set_class_choices(self.federation.data)

    def values(self, user):
        plan = self.weight_plan.data
        return {
            "federation": self.federation.data,
            "meet_date": self.meet_day(),
            "weight_class": self.weight_class.data,
            "weight_plan": plan,
            "target_bodyweight_kg": self.kg(self.target_bodyweight) if plan != "maintain" else None,
            "past_competitions": (self.past_competitions.data or "").strip() or None,
        }, {}


from app.web.onboarding.forms_training import HealthForm, LiftsForm, TrainingForm  # noqa: E402

STEPS = (BodyForm, MeetForm, LiftsForm, TrainingForm, HealthForm)
