"""Strength math: e1RM by Epley, Brzycki and the RPE chart; RPE <-> RIR. Loads in kg.

Sources: Epley, B. (1985) "Poundage Chart", Boyd Epley Workout (1RM = w * (1 + r/30));
Brzycki, M. (1993) "Strength testing: predicting a one-rep max from reps-to-fatigue",
JOPERD 64(1):88-90 (1RM = w * 36 / (37 - r)); the RPE chart of Mike Tuchscherer's Reactive
Training Systems ("Customizing your RPE chart", RTS, 2016-01-06) as widely circulated.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FORMULAS = ("epley", "brzycki", "rpe")
MIN_RPE, MAX_RPE = Decimal(6), Decimal(10)
MAX_CHART_REPS = 12
MAX_LOAD_KG = Decimal(1000)  # well above any barbell lift ever made (about 500 kg)

# %1RM by RPE (rows) and reps 1..12 (columns). In the chart a whole-RPE row is the RPE 10
# row shifted by the reps in reserve, and each half step is the midpoint of its neighbours
# rounded half-up to 0.1. RPE 6 is not printed in the source chart: it is that same shift
# (RPE 10 at reps + 4); its 12-rep cell is 57.3, implied by the chart's RPE 6.5 x 12 = 58.6
# being the midpoint of 59.9 and it.
RPE_CHART: dict[Decimal, tuple[float, ...]] = {
    Decimal(k): v
    for k, v in {
        "10": (100.0, 95.5, 92.2, 89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0),
        "9.5": (97.8, 93.9, 90.7, 87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7),
        "9": (95.5, 92.2, 89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3),
        "8.5": (93.9, 90.7, 87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7, 64.0),
        "8": (92.2, 89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3, 62.6),
        "7.5": (90.7, 87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7, 64.0, 61.3),
        "7": (89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3, 62.6, 59.9),
        "6.5": (87.8, 85.0, 82.4, 79.9, 77.4, 75.1, 72.3, 69.4, 66.7, 64.0, 61.3, 58.6),
        "6": (86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0, 65.3, 62.6, 59.9, 57.3),
    }.items()
}


class StrengthInputError(ValueError):
    """Reps, RPE or load outside what a formula is defined for; the message says which."""


def _check_load_reps(load_kg, reps: int, max_reps: int) -> Decimal:
    load = Decimal(load_kg)
    if not load.is_finite() or not 0 < load <= MAX_LOAD_KG:
        raise StrengthInputError("load must be a positive number of kg, at most 1000")
    if not isinstance(reps, int) or not 1 <= reps <= max_reps:
        raise StrengthInputError(f"reps must be a whole number from 1 to {max_reps}")
    return load


def normalise_rpe(rpe) -> Decimal:
    """RPE as a Decimal in half steps from 6 to 10; raises StrengthInputError otherwise."""
    try:
        value = Decimal(str(rpe))
    except ArithmeticError:
        raise StrengthInputError("RPE must be a number from 6 to 10 in half steps") from None
    if not value.is_finite() or not MIN_RPE <= value <= MAX_RPE or (value * 2) % 1:
        raise StrengthInputError("RPE must be a number from 6 to 10 in half steps")
    return value


def e1rm_epley(load_kg, reps: int) -> Decimal:
    """Epley (1985): load * (1 + reps / 30); a single (reps = 1) returns the load itself.

    Reps 1-30. Returns kg to 0.01. Raises StrengthInputError.
    """
    load = _check_load_reps(load_kg, reps, 30)
    if reps == 1:
        return load.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return (load * (1 + Decimal(reps) / 30)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def e1rm_brzycki(load_kg, reps: int) -> Decimal:
    """Brzycki (1993): load * 36 / (37 - reps); reps 1-12 (it diverges towards 37).

    Returns kg to 0.01. Raises StrengthInputError.
    """
    load = _check_load_reps(load_kg, reps, MAX_CHART_REPS)
    return (load * 36 / (37 - Decimal(reps))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def percent_of_1rm(reps: int, rpe) -> float:
    """%1RM from the RTS chart for ``reps`` (1-12) at ``rpe`` (6-10, half steps)."""
    if not isinstance(reps, int) or not 1 <= reps <= MAX_CHART_REPS:
        raise StrengthInputError(f"reps must be a whole number from 1 to {MAX_CHART_REPS}")
    return RPE_CHART[normalise_rpe(rpe)][reps - 1]


def e1rm_rpe(load_kg, reps: int, rpe) -> Decimal:
    """e1RM from the RTS chart: load / (%1RM at reps and RPE). kg to 0.01.

    180 kg x 3 @ 8 -> 180 / 0.863 = 208.57 kg. Raises StrengthInputError.
    """
    load = _check_load_reps(load_kg, reps, MAX_CHART_REPS)
    pct = Decimal(str(percent_of_1rm(reps, rpe)))
    return (load * 100 / pct).quantize(Decimal("0.01"), ROUND_HALF_UP)


def load_for(e1rm_kg, reps: int, rpe) -> Decimal:
    """The load (kg, unrounded to plates) for ``reps`` at ``rpe`` given an e1RM: the chart inverted."""
    return Decimal(e1rm_kg) * Decimal(str(percent_of_1rm(reps, rpe))) / 100


def e1rm(load_kg, reps: int, rpe=None, formula: str = "rpe") -> Decimal:
    """e1RM by ``formula`` ('epley', 'brzycki' or 'rpe'; 'rpe' needs ``rpe``)."""
    if formula == "epley":
        return e1rm_epley(load_kg, reps)
    if formula == "brzycki":
        return e1rm_brzycki(load_kg, reps)
    if formula == "rpe":
        if rpe is None:
            raise StrengthInputError("the RPE formula needs an RPE")
        return e1rm_rpe(load_kg, reps, rpe)
    raise StrengthInputError(f"unknown formula {formula!r}; expected one of {FORMULAS}")


def rir_from_rpe(rpe) -> Decimal:
    """Reps in reserve for an RPE on the RIR-based scale (Zourdos et al. 2016): RIR = 10 - RPE."""
    return MAX_RPE - normalise_rpe(rpe)


def rpe_from_rir(rir) -> Decimal:
    """RPE for reps in reserve 0-4 in half steps: RPE = 10 - RIR (Zourdos et al. 2016)."""
    return normalise_rpe(MAX_RPE - Decimal(str(rir)))
