"""Is a meet goal within reach? Goal vs current e1RM, the time left and a realistic rate of gain.

The realistic monthly gain on the total falls as a lifter gets stronger relative to
bodyweight (a proxy for training age, which the profile does not hold): about 2.5% of the
total a month for novices (DOTS < 300), 1% for intermediates (300-400), 0.5% for advanced
lifters (400-450) and 0.25% for elite ones (> 450). These bands follow the diminishing returns
reported for trained lifters (Latella et al. 2020, "Effects of strength training on
1RM in trained and untrained", Sports Medicine 50:1221-1234, and OpenPowerlifting's
year-on-year totals) and are coaching heuristics, not a law. The athlete's own planned gain
is used when it is lower. Loads in kg.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DAYS_PER_MONTH = Decimal("30.44")  # 365.25 / 12
BANDS = ((300, Decimal("0.025")), (400, Decimal("0.01")), (450, Decimal("0.005")))
ELITE_RATE = Decimal("0.0025")


@dataclass(frozen=True)
class Verdict:
    """``status`` is 'feasible', 'ambitious' or 'unrealistic'; masses in kg."""

    status: str
    goal_kg: Decimal
    current_kg: Decimal
    gap_kg: Decimal
    expected_gain_kg: Decimal
    months: Decimal

    @property
    def sentence(self) -> str:
        if self.gap_kg <= 0:
            return "Already there: your current e1RM meets this goal."
        return (
            f"{self.gap_kg:.1f} kg to gain in {self.months:.1f} months; about "
            f"{self.expected_gain_kg:.1f} kg is realistic."
        )


def monthly_rate(dots: float) -> Decimal:
    """Realistic monthly gain as a fraction of the total for a lifter at ``dots`` points."""
    for limit, rate in BANDS:
        if dots < limit:
            return rate
    return ELITE_RATE


def judge(goal_kg, current_kg, days_left: int, monthly_gain_kg) -> Verdict:
    """Compare a goal with the current e1RM given ``monthly_gain_kg`` (already realistic).

    feasible: the gap is within the expected gain; ambitious: within twice it; else
    unrealistic. Raises ValueError for negative days or non-positive current.
    """
    goal, current = Decimal(goal_kg), Decimal(current_kg)
    if days_left < 0 or current <= 0:
        raise ValueError("days left must be >= 0 and the current e1RM positive")
    months = (Decimal(days_left) / DAYS_PER_MONTH).quantize(Decimal("0.1"), ROUND_HALF_UP)
    expected = (Decimal(monthly_gain_kg) * Decimal(days_left) / DAYS_PER_MONTH).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    gap = (goal - current).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if gap <= expected:
        status = "feasible"
    elif gap <= 2 * expected:
        status = "ambitious"
    else:
        status = "unrealistic"
    return Verdict(status, goal, current, gap, expected, months)


def evaluate(
    goals_kg: dict, e1rm_kg: dict, days_left: int, planned_total_gain_kg, dots: float
) -> dict[str, Verdict]:
    """Verdicts for each lift with a goal and for 'total'. The monthly gain on the total is
    the lower of the athlete's plan and the realistic rate for their strength level, shared
    among the lifts in proportion to their e1RMs."""
    current_total = sum(Decimal(e1rm_kg[lift]) for lift in goals_kg)
    realistic = current_total * monthly_rate(dots)
    monthly_total = min(Decimal(planned_total_gain_kg), realistic)
    verdicts = {}
    for lift, goal in goals_kg.items():
        share = Decimal(e1rm_kg[lift]) / current_total
        verdicts[lift] = judge(goal, e1rm_kg[lift], days_left, monthly_total * share)
    verdicts["total"] = judge(
        sum(Decimal(g) for g in goals_kg.values()), current_total, days_left, monthly_total
    )
    return verdicts
