"""Profile steps 3-5: lifts and goals, how you train, health and sharing."""

from __future__ import annotations

from decimal import Decimal

from wtforms import PasswordField, RadioField, TextAreaField
from wtforms.validators import Length, NumberRange, ValidationError

from app.models.profile import LIFTS
from app.web.fields import (
    MassField,
    MassRange,
    WholeNumberField,
    YesNoField,
    int_choice,
    options,
)
from app.web.onboarding.base import LIFT_CHOICES, TEXT_MAX, StepForm, choose, required, to_unit


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
