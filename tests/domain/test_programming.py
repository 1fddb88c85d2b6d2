"""Plan generation over 3-24 weeks and 2-6 training days (the training issue's must-shows)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.domain import programming as p
from app.domain import units

START = date(2026, 3, 2)
MAXES = {"squat": Decimal("215"), "bench": Decimal("140"), "deadlift": Decimal("255")}


def inputs(weeks, days, **overrides):
    values = dict(
        start=START,
        meet=START + timedelta(weeks=weeks),
        days_per_week=days,
        session_minutes=90,
        e1rm_kg=MAXES,
    )
    values.update(overrides)
    return p.PlanInputs(**values)


@pytest.mark.parametrize("weeks", [3, 8, 12, 16, 24])
@pytest.mark.parametrize("days", [2, 3, 4, 5, 6])
def test_plans_fit_the_weeks_end_on_meet_day_and_are_loadable(weeks, days):
    plan = p.generate_plan(inputs(weeks, days, most_important="bench", least_important="deadlift"))
    assert sum(b.weeks for b in plan.blocks) == len(plan.weeks) == weeks
    assert [b.kind for b in plan.blocks][-2:] == ["taper", "meet_week"]
    last_day = plan.weeks[-1].days[-1]
    assert last_day.is_meet and last_day.day == START + timedelta(weeks=weeks)
    for week in plan.weeks:
        assert all(START < d.day <= last_day.day for d in week.days)
        for day in week.days:
            for ex in day.exercises:
                if ex.load_kg is not None:
                    assert ex.load_kg % Decimal("2.5") == 0, ex  # 1.25 kg plates make every step
                    assert ex.load_kg <= MAXES[ex.lift]
        training_days = [d for d in week.days if not d.is_meet]
        assert len(training_days) <= days
        if week.block not in ("meet_week",):
            assert p.LIFTS and plan.sets_per_week("bench", week.number) >= plan.sets_per_week(
                "deadlift", week.number
            )


@pytest.mark.parametrize(
    "most,least", [("squat", "bench"), ("deadlift", "squat"), ("squat", "deadlift")]
)
def test_the_most_important_lift_gets_at_least_the_volume_of_the_least(most, least):
    plan = p.generate_plan(
        inputs(
            12,
            4,
            most_important=most,
            least_important=least,
            recovery={"squat": 3, "bench": 3, "deadlift": 3},
        )
    )
    for week in plan.weeks[:-1]:
        assert plan.sets_per_week(most, week.number) >= plan.sets_per_week(least, week.number)


def test_low_recovery_means_less_frequency():
    rested = p.frequencies(
        inputs(12, 5, most_important="bench", recovery={"squat": 4, "bench": 4, "deadlift": 4})
    )
    beaten = p.frequencies(
        inputs(12, 5, most_important="bench", recovery={"squat": 1, "bench": 4, "deadlift": 4})
    )
    assert beaten["squat"] < rested["squat"]


def test_lb_gyms_get_loads_in_5_lb_steps():
    plan = p.generate_plan(inputs(8, 4, unit="lb"))
    for week in plan.weeks:
        for day in week.days:
            for ex in day.exercises:
                if ex.load_kg is not None:
                    lb = units.from_kg(ex.load_kg, "lb")
                    assert abs(lb - (lb / 5).quantize(Decimal(1)) * 5) < Decimal("0.001")


def test_under_three_weeks_is_a_short_peak_that_says_so():
    plan = p.generate_plan(inputs(2, 4))
    assert "short peak" in plan.notice
    assert [b.kind for b in plan.blocks] == ["peaking", "meet_week"]
    assert p.generate_plan(inputs(12, 4)).notice is None


def test_every_block_explains_itself():
    plan = p.generate_plan(inputs(16, 4))
    assert [b.kind for b in plan.blocks] == ["base", "strength", "peaking", "taper", "meet_week"]
    assert all(len(b.explanation) > 40 for b in plan.blocks)
    assert any(w.deload for w in plan.weeks)


def test_rpe_rises_and_reps_fall_from_base_to_peak():
    plan = p.generate_plan(inputs(16, 4))
    tops = {
        w.block: [
            e for d in w.days for e in d.exercises if e.kind == "top set" and e.name == "Squat"
        ]
        for w in plan.weeks
        if not w.deload
    }
    assert tops["base"][0].reps > tops["peaking"][0].reps
    assert tops["base"][0].rpe < tops["peaking"][0].rpe


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"meet": START - timedelta(days=1)}, "before"),
        ({"days_per_week": 1}, "2 to 7"),
        ({"e1rm_kg": {"squat": 200, "bench": 100}}, "deadlift"),
        ({"meet": START + timedelta(weeks=60)}, "52 weeks"),
    ],
)
def test_bad_inputs_raise(overrides, message):
    with pytest.raises(p.PlanError, match=message):
        p.generate_plan(inputs(12, 4, **overrides))
