"""Feasibility verdicts: the gap against the expected gain at a realistic monthly rate."""

from decimal import Decimal

import pytest

from app.domain import feasibility, points


def test_rate_bands_by_strength_level():
    assert feasibility.monthly_rate(250) == Decimal("0.025")
    assert feasibility.monthly_rate(350) == Decimal("0.01")
    assert feasibility.monthly_rate(420) == Decimal("0.005")
    assert feasibility.monthly_rate(500) == Decimal("0.0025")


@pytest.mark.parametrize(
    ("goal", "status"),
    [(205, "feasible"), (215, "ambitious"), (220, "unrealistic"), (190, "feasible")],
)
def test_verdict_thresholds(goal, status):
    # 3.044 kg a month for 91.32 days (3.0 months) = 9.1 kg expected
    verdict = feasibility.judge(goal, 200, 91, Decimal("3.044"))
    assert (verdict.months, verdict.expected_gain_kg) == (Decimal("3.0"), Decimal("9.1"))
    assert verdict.status == status


def test_the_total_uses_the_lower_of_plan_and_realistic_rate():
    maxes = {"squat": Decimal(215), "bench": Decimal(140), "deadlift": Decimal(255)}
    goals = {"squat": Decimal(220), "bench": Decimal(142.5), "deadlift": Decimal(260)}
    # 610 kg at 82.4 kg bodyweight is about 420 DOTS: advanced, 0.5% (3.05 kg) a month
    dots = points.dots("M", 82.4, 610)
    verdicts = feasibility.evaluate(goals, maxes, 122, Decimal(10), dots)
    total = verdicts["total"]
    assert total.gap_kg == Decimal("12.5")
    assert total.expected_gain_kg == Decimal("12.2")  # 3.05 x 122 / 30.44
    assert total.status == "ambitious"
    planned_lower = feasibility.evaluate(goals, maxes, 122, Decimal(1), dots)["total"]
    assert (
        planned_lower.expected_gain_kg == Decimal("4.0") and planned_lower.status == "unrealistic"
    )


def test_a_goal_already_reached_says_so():
    verdict = feasibility.judge(180, 200, 30, 1)
    assert verdict.status == "feasible" and "Already there" in verdict.sentence
