"""Rounding loads to what a bar can actually hold with standard plates.

The smallest common pair is 1.25 kg (2 x 1.25 = 2.5 kg) in kg gyms and 2.5 lb (5 lb a
pair) in lb gyms (plate sets: ../shared/refdata/plates.json, IPF and common gym sets).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from app.domain import units

STEP = {"kg": Decimal("2.5"), "lb": Decimal("5")}
BAR_KG = Decimal(20)
_ROUNDING = {"nearest": ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def round_to(value_kg, step_kg, direction: str = "nearest") -> Decimal:
    """``value_kg`` rounded to a multiple of ``step_kg`` ('nearest', 'down' or 'up'); kg."""
    steps = (Decimal(value_kg) / Decimal(step_kg)).quantize(Decimal(1), _ROUNDING[direction])
    return steps * Decimal(step_kg)


def loadable(value_kg, unit: str = "kg", direction: str = "nearest") -> Decimal:
    """The nearest load (kg) that standard plates make in a ``unit`` gym, never below the bar.

    In a lb gym the load is a multiple of 5 lb, returned in kg (exact to 0.1 g).
    """
    if unit == "kg":
        load = round_to(value_kg, STEP["kg"], direction)
    else:
        lb = round_to(units.from_kg(value_kg, "lb"), STEP["lb"], direction)
        load = units.to_kg(lb, "lb")
    return max(load, BAR_KG if unit == "kg" else units.to_kg(45, "lb"))
