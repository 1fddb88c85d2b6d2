"""The JSON API's request and response bodies (pydantic), from which the OpenAPI document's
schemas are generated. Masses are kg (``_kg``) as JSON numbers; times ISO 8601 in UTC; dates
ISO 8601 (YYYY-MM-DD)."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.domain import programming, weight_classes
from app.models.tools import MACHINE_TYPES
from app.services import machines


def _plain_text(value: str) -> str:
    """PostgreSQL text holds neither NUL nor lone surrogates: refuse them here (422), not
    in the driver (500)."""
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode") from None
    return value


def text(max_length: int, min_length: int = 0):
    """A string, whitespace stripped, ``min_length`` to ``max_length`` characters, no NUL."""
    return Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=min_length,
            max_length=max_length,
            pattern=r"^[^\x00]*$",
        ),
        AfterValidator(_plain_text),
    ]


Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Lift = Literal[programming.LIFTS]
Federation = Literal[tuple(weight_classes.FEDERATIONS)]
MachineType = Literal[MACHINE_TYPES]


class Body(BaseModel):
    """A request body: unknown fields are refused (a typo is a 422, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response body read from model attributes."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, row, **values):
        """This model from ``row``'s attributes; ``values`` gives fields the row lacks."""
        for name in cls.model_fields:
            if name not in values:
                values[name] = getattr(row, name)
        return cls.model_validate(values)


# Errors and headers ---------------------------------------------------------------------------


class FieldError(BaseModel):
    field: str = Field(description="The field at fault: a body field, query parameter or header")
    message: str


class ApiError(BaseModel):
    """Every error: ``error`` says what went wrong; a 422 also names the ``field``."""

    error: str
    field: str | None = None
    errors: list[FieldError] | None = None


def _no_default(schema: dict) -> None:
    """An optional parameter has no value when absent: document no (null) default."""
    schema.pop("default", None)


class IdempotencyHeaders(BaseModel):
    # str with a None default (not str | None): absent is allowed, null is not a value
    idempotency_key: Annotated[str, StringConstraints(pattern=r"^[!-~]{1,64}$")] = Field(
        None,
        json_schema_extra=_no_default,
        alias="Idempotency-Key",
        description="A client-generated id (a UUID is ideal), 1-64 visible ASCII characters. "
        "Repeating it returns the original result (same status and body) and writes nothing.",
    )


class PageQuery(BaseModel):
    cursor: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,20}\.[0-9]{1,10}$")] = Field(
        None,
        json_schema_extra=_no_default,
        description="next_cursor from the previous page; omit for the first page",
    )
    limit: int = Field(20, ge=1, le=100, description="Items per page")


# Profile ----------------------------------------------------------------------------------------


class ProfileOut(Out):
    sex: str | None
    age: int | None
    bodyweight_kg: float | None
    height_cm: float | None
    federation: str | None
    weight_class: str | None
    meet_date: date | None
    weight_plan: str | None
    target_bodyweight_kg: float | None
    past_competitions: str | None
    squat_best_kg: float | None
    squat_best_reps: int | None
    bench_best_kg: float | None
    bench_best_reps: int | None
    deadlift_best_kg: float | None
    deadlift_best_reps: int | None
    squat_goal_kg: float | None
    bench_goal_kg: float | None
    deadlift_goal_kg: float | None
    most_important_lift: str | None
    least_important_lift: str | None
    planned_gain_kg_per_month: float | None
    evaluate_feasibility: bool | None
    days_per_week: int | None
    session_minutes: int | None
    volume_preference: str | None
    squat_recovery: int | None
    bench_recovery: int | None
    deadlift_recovery: int | None
    recovers_from_heavy_deadlifts: bool | None
    deadlift_style: str | None
    squat_stance: str | None
    knee_sleeves: bool | None
    form_issues: str | None
    injuries: str | None
    feed_visibility: str | None
    completed_at: datetime | None


class MeOut(Out):
    id: int
    email: str
    display_name: str
    role: str
    mass_unit: str = Field(description="The unit the athlete sees in the app; the API is in kg")
    height_unit: str
    time_zone: str
    created_at: datetime
    current_e1rm_kg: dict[str, float] = Field(
        description="Each lift's current e1RM (the newest estimate, else from the profile)"
    )
    profile: ProfileOut | None


# Meets and plans --------------------------------------------------------------------------------


class MeetIn(Body):
    name: text(120, 1)
    meet_date: date = Field(description="Today (the athlete's time zone) to 52 weeks out")
    federation: Federation
    location: text(160) | None = None


class MeetOut(Out):
    id: int
    name: str
    meet_date: date
    federation: str
    location: str | None
    has_plan: bool
    created_at: datetime
    updated_at: datetime


class MeetList(BaseModel):
    items: list[MeetOut]


class PlanBlockOut(BaseModel):
    kind: str
    title: str
    first_week: int
    weeks: int
    explanation: str


class PlanExerciseOut(Out):
    position: int
    name: str
    lift: str | None
    kind: str
    sets: int
    reps: int
    rpe: float
    load_kg: float | None = Field(description="As planned, from the e1RM the plan was built on")
    prescribed_load_kg: float | None = Field(
        None,
        description="Today's load: the planned load scaled by the current e1RM, plate-rounded "
        "(null in the export)",
    )


class PlanSessionOut(Out):
    id: int
    day: date
    week_number: int
    block: str
    deload: bool
    title: str
    is_meet: bool
    exercises: list[PlanExerciseOut]


class PlanOut(Out):
    id: int
    meet_id: int
    generated_at: datetime
    notice: str | None
    blocks: list[PlanBlockOut]
    e1rm_kg: dict[str, float] = Field(description="The e1RMs the plan's loads were built on")
    sessions: list[PlanSessionOut]


class MeetWithPlanOut(MeetOut):
    plan: PlanOut | None


# Workouts and sets ------------------------------------------------------------------------------


class WorkoutIn(Body):
    title: text(120, 1) | None = None
    plan_session_id: Id | None = Field(None, description="A session of one of your plans")


class SetIn(Body):
    exercise: text(80, 1)
    lift: Lift | None = Field(None, description="The competition lift this set counts for")
    load_kg: float = Field(ge=0, le=1000, allow_inf_nan=False)
    reps: int = Field(ge=1, le=50)
    rpe: float | None = Field(None, ge=6, le=10, multiple_of=0.5, allow_inf_nan=False)


class CompleteIn(Body):
    notes: text(2000) | None = None


class SetOut(Out):
    id: int
    workout_id: int
    client_id: str = Field(description="The Idempotency-Key (or form id) it was logged with")
    position: int
    exercise: str
    lift: str | None
    load_kg: float
    reps: int
    rpe: float | None
    e1rm_kg: float | None
    logged_at: datetime


class WorkoutSummaryOut(Out):
    id: int
    client_id: str
    title: str
    plan_session_id: int | None
    started_at: datetime
    completed_at: datetime | None
    duration_seconds: int | None
    notes: str | None
    source: str
    set_count: int


class WorkoutOut(WorkoutSummaryOut):
    sets: list[SetOut]


class WorkoutPage(BaseModel):
    items: list[WorkoutSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next page; null at the end"
    )


class LiftSummaryOut(BaseModel):
    lift: str
    top_set: SetOut
    e1rm_kg: float | None
    previous_e1rm_kg: float | None
    is_pr: bool


class SummaryOut(BaseModel):
    duration_seconds: int
    volume_kg: float = Field(description="Sum of load x reps")
    sets: int
    lifts: list[LiftSummaryOut]


class CompletedWorkoutOut(WorkoutOut):
    summary: SummaryOut


# Posts and machine notes ------------------------------------------------------------------------


class PostOut(Out):
    id: int
    movement: str
    load_kg: float | None
    rpe: float | None
    caption: str | None
    visibility: str
    status: str = Field(description="processing, ready or failed")
    error: str | None
    duration_seconds: float | None
    width: int | None
    height: int | None
    like_count: int
    comment_count: int
    created_at: datetime


class PostPage(BaseModel):
    items: list[PostOut]
    next_cursor: str | None


class SettingIn(Body):
    name: text(machines.MAX_SETTING_CHARS)
    value: text(machines.MAX_SETTING_CHARS)


class MachineNoteIn(Body):
    brand: text(machines.MAX_BRAND, 1)
    model: text(machines.MAX_MODEL) = ""
    machine_type: MachineType = "other"
    gym_name: text(machines.MAX_GYM) | None = None
    settings: list[SettingIn] = Field(default_factory=list, max_length=machines.MAX_SETTINGS)
    notes: text(machines.MAX_NOTES) | None = None
    is_public: bool = False


class SettingOut(BaseModel):
    name: str
    value: str


class MachineNoteOut(Out):
    id: int
    brand: str
    model: str
    machine_type: str
    gym_name: str | None
    settings: list[SettingOut]
    notes: str | None
    is_public: bool
    copied_from_id: int | None
    created_at: datetime
    updated_at: datetime


class MachineNoteList(BaseModel):
    items: list[MachineNoteOut]
