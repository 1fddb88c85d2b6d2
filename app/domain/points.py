"""Points formulas exactly as OpenPowerlifting computes them: DOTS, Wilks, Wilks 2020, IPF GL.

Source: OpenPowerlifting opl-data crates/coefficients/src/{dots,wilks,wilks2020,goodlift}.rs
(commit 473b4cfc, 2024-08-23), constants as published by their authors (Wilks: Robert Wilks,
1995; Wilks 2020: the March 2020 revision sent to the USPA; DOTS: Tim Konertz, BVDK;
IPF GL: IPF, valid from 2020-05-01). Bodyweight is clamped as OPL does; points are rounded
once, half away from zero, to 0.01. Bodyweight and total in kg.
"""

from __future__ import annotations

import math

FORMULAS = ("dots", "wilks", "wilks2020", "ipfgl")
EQUIPMENT = ("classic", "equipped")
EVENTS = ("sbd", "b")

_DOTS = {
    "M": ((-1.093e-06, 0.0007391293, -0.1918759221, 24.0900756, -307.75076), (40.0, 210.0)),
    "F": ((-1.0706e-06, 0.0005158568, -0.1126655495, 13.6175032, -57.96288), (40.0, 150.0)),
}
_WILKS = {
    "M": (
        (-216.0475144, 16.2606339, -0.002388645, -0.00113732, 7.01863e-06, -1.291e-08),
        (40.0, 201.9),
    ),
    "F": (
        (594.31747775582, -27.23842536447, 0.82112226871, -0.00930733913, 4.731582e-05, -9.054e-08),
        (26.51, 154.53),
    ),
}
_WILKS_2020 = {
    "M": (
        (
            47.4617885411949,
            8.47206137941125,
            0.073694103462609,
            -0.00139583381094385,
            7.07665973070743e-06,
            -1.20804336482315e-08,
        ),
        (40.0, 200.95),
    ),
    "F": (
        (
            -125.425539779509,
            13.7121941940668,
            -0.0330725063103405,
            -0.0010504000506583,
            9.38773881462799e-06,
            -2.3334613884954e-08,
        ),
        (40.0, 150.95),
    ),
}
# (event, sex, equipment) -> (A, B, C); GL = total * 100 / (A - B * exp(-C * bw))
_IPF_GL = {
    ("sbd", "M", "classic"): (1199.72839, 1025.18162, 0.00921),
    ("sbd", "M", "equipped"): (1236.25115, 1449.21864, 0.01644),
    ("sbd", "F", "classic"): (610.32796, 1045.59282, 0.03048),
    ("sbd", "F", "equipped"): (758.63878, 949.31382, 0.02435),
    ("b", "M", "classic"): (320.98041, 281.40258, 0.01008),
    ("b", "M", "equipped"): (381.22073, 733.79378, 0.02398),
    ("b", "F", "classic"): (142.40398, 442.52671, 0.04724),
    ("b", "F", "equipped"): (221.82209, 357.00377, 0.02937),
}


class PointsInputError(ValueError):
    """A sex, formula, equipment, event, bodyweight or total the formulas don't cover."""


def round_points(value: float) -> float:
    """Round half away from zero to 0.01, as OPL stores points (integer hundredths)."""
    return math.copysign(math.floor(abs(value) * 100 + 0.5), value) / 100


def _clamp(x: float, bounds: tuple[float, float]) -> float:
    return min(max(x, bounds[0]), bounds[1])


def _check(sex: str, bodyweight_kg: float, total_kg: float) -> tuple[float, float]:
    if sex not in ("M", "F"):
        raise PointsInputError("sex must be 'M' or 'F'")
    bw, total = float(bodyweight_kg), float(total_kg)
    if (
        not (math.isfinite(bw) and math.isfinite(total))
        or not 0 < bw <= 400
        or not 0 <= total <= 2000
    ):
        raise PointsInputError("bodyweight must be 0-400 kg and total 0-2000 kg")
    return bw, total


def dots(sex: str, bodyweight_kg: float, total_kg: float) -> float:
    """DOTS points: total * 500 / (A x^4 + B x^3 + C x^2 + D x + E), x clamped (M 40-210, F 40-150)."""
    bw, total = _check(sex, bodyweight_kg, total_kg)
    (a, b, c, d, e), bounds = _DOTS[sex]
    x = _clamp(bw, bounds)
    return round_points(total * 500 / (a * x**4 + b * x**3 + c * x**2 + d * x + e))


def _wilks_like(table, scale: float, sex, bodyweight_kg, total_kg) -> float:
    bw, total = _check(sex, bodyweight_kg, total_kg)
    coefficients, bounds = table[sex]
    x = _clamp(bw, bounds)
    denominator = sum(k * x**i for i, k in enumerate(coefficients))
    return round_points(total * scale / denominator)


def wilks(sex: str, bodyweight_kg: float, total_kg: float) -> float:
    """Original Wilks (1995): total * 500 / poly5(x), x clamped (M 40-201.9, F 26.51-154.53)."""
    return _wilks_like(_WILKS, 500.0, sex, bodyweight_kg, total_kg)


def wilks2020(sex: str, bodyweight_kg: float, total_kg: float) -> float:
    """Wilks 2020 (March 2020 revision): total * 600 / poly5(x), x clamped (M 40-200.95, F 40-150.95)."""
    return _wilks_like(_WILKS_2020, 600.0, sex, bodyweight_kg, total_kg)


def ipf_gl(
    sex: str, bodyweight_kg: float, total_kg: float, equipment: str = "classic", event: str = "sbd"
) -> float:
    """IPF GL points: total * max(0, 100 / (A - B e^(-C bw))); 0 below 35 kg bodyweight.

    ``equipment`` 'classic' (raw, wraps map here too) or 'equipped'; ``event`` 'sbd' (full
    power) or 'b' (bench only, where total is the bench). Raises PointsInputError.
    """
    bw, total = _check(sex, bodyweight_kg, total_kg)
    if equipment not in EQUIPMENT:
        raise PointsInputError("equipment must be 'classic' or 'equipped'")
    if event not in EVENTS:
        raise PointsInputError("event must be 'sbd' or 'b'")
    if bw < 35 or total == 0:
        return 0.0
    a, b, c = _IPF_GL[(event, sex, equipment)]
    return round_points(total * max(0.0, 100 / (a - b * math.exp(-c * bw))))


def points(
    formula: str,
    sex: str,
    bodyweight_kg: float,
    total_kg: float,
    equipment: str = "classic",
    event: str = "sbd",
) -> float:
    """Points by ``formula`` ('dots', 'wilks', 'wilks2020' or 'ipfgl'). Raises PointsInputError."""
    if formula == "dots":
        return dots(sex, bodyweight_kg, total_kg)
    if formula == "wilks":
        return wilks(sex, bodyweight_kg, total_kg)
    if formula == "wilks2020":
        return wilks2020(sex, bodyweight_kg, total_kg)
    if formula == "ipfgl":
        return ipf_gl(sex, bodyweight_kg, total_kg, equipment, event)
    raise PointsInputError(f"formula must be one of {', '.join(FORMULAS)}")
