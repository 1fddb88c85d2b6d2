"""The athlete profile, as five short steps. Each form reads and writes profile values in kg/cm."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.domain import units, weight_classes
from app.models.profile import LIFTS
from app.web.fields import (
    ClientIdField,
    MassField,
    MassRange,
    NumberField,
    WholeNumberField,
    YesNoField,
    int_choice,
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


def _best(label):
    return MassField(
        label,
        validators=[required(label), MassRange("1", "600", "a load")],
        render_kw={"inputmode": "decimal"},
    )


def _reps(label):
    return WholeNumberField(
        label,
        default=1,
        validators=[required("Reps"), NumberRange(1, 10, "Enter 1 to 10 reps.")],
        render_kw={"inputmode": "numeric"},
    )


def _goal(label):
    return MassField(
        label,
        validators=[required(label), MassRange("1", "600", "a goal")],
        render_kw={"inputmode": "decimal"},
    )


class LiftsForm(StepForm):
    title = "Your lifts"
    intro = (
        "Your current best (or a recent top set and its reps), and what you want on the platform."
    )

    squat_best = _best("Squat best")
    squat_best_reps = _reps("Squat reps")
    bench_best = _best("Bench best")
    bench_best_reps = _reps("Bench reps")
    deadlift_best = _best("Deadlift best")
    deadlift_best_reps = _reps("Deadlift reps")
    squat_goal = _goal("Squat goal")
    bench_goal = _goal("Bench goal")
    deadlift_goal = _goal("Deadlift goal")
    most_important_lift = RadioField(
        "Most important lift", choices=LIFT_CHOICES, validators=[choose("your most important lift")]
    )
    least_important_lift = RadioField(
        "Least important lift",
        choices=LIFT_CHOICES,
        validators=[choose("your least important lift")],
    )
    planned_gain_per_month = MassField(
        "Planned gain on your total per month",
        validators=[required("Planned gain"), MassRange("0", "20", "a monthly gain")],
        render_kw={"inputmode": "decimal"},
    )
    evaluate_feasibility = YesNoField(
        "Check whether my goals are realistic", default="yes", validators=[choose("yes or no")]
    )

    def validate_least_important_lift(self, field):
        if field.data and field.data == self.most_important_lift.data:
            raise ValidationError("Pick a different lift from your most important one.")

    # A realistic default for an intermediate lifter, in round numbers of each unit.
    DEFAULT_GAIN = {"kg": Decimal("2.5"), "lb": Decimal("5")}

    def prefill(self, profile, user) -> None:
        self.planned_gain_per_month.data = self.DEFAULT_GAIN[user.mass_unit]
        if profile is None:
            return
        for lift in LIFTS:
            getattr(self, f"{lift}_best").data = to_unit(
                getattr(profile, f"{lift}_best_kg"), user.mass_unit
            )
            getattr(self, f"{lift}_best_reps").data = getattr(profile, f"{lift}_best_reps") or 1
            getattr(self, f"{lift}_goal").data = to_unit(
                getattr(profile, f"{lift}_goal_kg"), user.mass_unit
            )
        self.most_important_lift.data = profile.most_important_lift
        self.least_important_lift.data = profile.least_important_lift
        if profile.planned_gain_kg_per_month is not None:
            self.planned_gain_per_month.data = to_unit(
                profile.planned_gain_kg_per_month, user.mass_unit
            )
        if profile.steps_done >= 3:
            self.evaluate_feasibility.data = "yes" if profile.evaluate_feasibility else "no"

    def values(self, user):
        profile = {}
        for lift in LIFTS:
            profile[f"{lift}_best_kg"] = self.kg(getattr(self, f"{lift}_best"))
            profile[f"{lift}_best_reps"] = getattr(self, f"{lift}_best_reps").data
            profile[f"{lift}_goal_kg"] = self.kg(getattr(self, f"{lift}_goal"))
        profile.update(
            most_important_lift=self.most_important_lift.data,
            least_important_lift=self.least_important_lift.data,
            planned_gain_kg_per_month=self.kg(self.planned_gain_per_month),
            evaluate_feasibility=self.evaluate_feasibility.as_bool,
        )
        return profile, {}


def _rating(lift):
    return RadioField(
        f"{lift} recovery",
        choices=options([(str(n), str(n)) for n in range(1, 6)]),
        coerce=int_choice,
        validators=[choose(f"a {lift.lower()} recovery rating")],
        description="1 = sore for days, 5 = fresh next day.",
    )


class TrainingForm(StepForm):
    title = "How you train"
    intro = "Your week, your recovery and your technique, so the plan fits you."

    days_per_week = RadioField(
        "Training days per week",
        choices=options([(str(n), str(n)) for n in range(2, 8)]),
        coerce=int_choice,
        default=4,
        validators=[choose("training days per week")],
    )
    session_minutes = WholeNumberField(
        "Session length (minutes)",
        default=90,
        validators=[required("Session length"), NumberRange(30, 240, "Enter 30 to 240 minutes.")],
        render_kw={"inputmode": "numeric", "step": 15},
    )
    volume_preference = RadioField(
        "Volume you like",
        choices=options([("low", "Low"), ("medium", "Medium"), ("high", "High")]),
        default="medium",
        validators=[choose("a volume preference")],
    )
    squat_recovery = _rating("Squat")
    bench_recovery = _rating("Bench")
    deadlift_recovery = _rating("Deadlift")
    recovers_from_heavy_deadlifts = YesNoField(
        "I recover well from heavy deadlifts", validators=[choose("yes or no")]
    )
    deadlift_style = RadioField(
        "Deadlift style",
        choices=options([("conventional", "Conventional"), ("sumo", "Sumo")]),
        validators=[choose("a deadlift style")],
    )
    squat_stance = RadioField(
        "Squat stance",
        choices=options([("narrow", "Narrow"), ("medium", "Medium"), ("wide", "Wide")]),
        validators=[choose("a squat stance")],
    )
    knee_sleeves = YesNoField("I squat in knee sleeves", validators=[choose("yes or no")])

    FIELDS = (
        "days_per_week",
        "session_minutes",
        "volume_preference",
        "squat_recovery",
        "bench_recovery",
        "deadlift_recovery",
        "deadlift_style",
        "squat_stance",
    )

    def prefill(self, profile, user) -> None:
        if profile is None or profile.steps_done < 4:
            return
        for name in self.FIELDS:
            getattr(self, name).data = getattr(profile, name)
        self.recovers_from_heavy_deadlifts.process_data(profile.recovers_from_heavy_deadlifts)
        self.knee_sleeves.process_data(profile.knee_sleeves)

    def values(self, user):
        profile = {name: getattr(self, name).data for name in self.FIELDS}
        profile["recovers_from_heavy_deadlifts"] = self.recovers_from_heavy_deadlifts.as_bool
        profile["knee_sleeves"] = self.knee_sleeves.as_bool
        return profile, {}


class HealthForm(StepForm):
    title = "Health and sharing"
    intro = "What your coach should know, and who can see your lift videos."

    form_issues = TextAreaField(
        "Form issues you're working on",
        validators=[Length(max=TEXT_MAX, message=f"Keep this under {TEXT_MAX} characters.")],
        description="e.g. “hips rise first off the floor”. Optional.",
    )
    injuries = TextAreaField(
        "Injuries or niggles",
        validators=[Length(max=TEXT_MAX, message=f"Keep this under {TEXT_MAX} characters.")],
        description="Current or past, anything that limits a movement. Optional.",
    )
    feed_visibility = RadioField(
        "Who can see my feed",
        choices=options([("public", "Everyone"), ("passcode", "People with my passcode")]),
        default="public",
        validators=[choose("who can see your feed")],
    )
    passcode = PasswordField(
        "Feed passcode",
        render_kw={"autocomplete": "new-password"},
        description="Share it with the people you want in. Stored only as a slow hash.",
    )

    def __init__(self, *args, has_passcode: bool = False, **kwargs):
        self._has_passcode = has_passcode
        super().__init__(*args, **kwargs)
        if has_passcode:
            self.passcode.description = "Leave empty to keep your current passcode."

    def validate_passcode(self, field):
        if self.feed_visibility.data != "passcode":
            return  # hidden for a public feed: ignored
        if field.data and not 4 <= len(field.data) <= 64:
            raise ValidationError("Use 4 to 64 characters.")
        if not field.data and not self._has_passcode:
            raise ValidationError("Choose a passcode for your feed.")

    def prefill(self, profile, user) -> None:
        if profile is None:
            return
        self.form_issues.data = profile.form_issues
        self.injuries.data = profile.injuries
        self.feed_visibility.data = profile.feed_visibility or "public"

    def values(self, user):
        return {
            "form_issues": (self.form_issues.data or "").strip() or None,
            "injuries": (self.injuries.data or "").strip() or None,
            "feed_visibility": self.feed_visibility.data,
            "feed_passcode": (self.passcode.data or None)
            if self.feed_visibility.data == "passcode"
            else None,
        }, {}


STEPS = (BodyForm, MeetForm, LiftsForm, TrainingForm, HealthForm)


def local_today(time_zone: str) -> date:
    """Today's date in ``time_zone`` (an IANA name; UTC when unknown)."""
    try:
        tz = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return datetime.now(tz).date()
