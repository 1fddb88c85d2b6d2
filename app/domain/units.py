"""Mass and length conversions as exact decimals; rounding happens only for display.

Sources: the international yard and pound agreement of 1959 (1 lb = 0.45359237 kg and
1 in = 2.54 cm exactly; NIST Special Publication 811, appendix B).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

KG_PER_LB = Decimal("0.45359237")
CM_PER_INCH = Decimal("2.54")
INCHES_PER_FOOT = 12
MASS_UNITS = ("kg", "lb")
# Stored loads keep 4 decimal places of a kilogram (0.1 g): a lb entry survives the
# round trip to 0.001 lb, and every kg entry that a plate or scale can show is exact.
KG_STORAGE = Decimal("0.0001")


def to_kg(value: Decimal | int | str, unit: str) -> Decimal:
    """Convert a mass in ``unit`` ('kg' or 'lb') to kg, quantised to KG_STORAGE.

    Raises ValueError for an unknown unit.
    """
    value = Decimal(value)
    if unit == "kg":
        kg = value
    elif unit == "lb":
        kg = value * KG_PER_LB
    else:
        raise ValueError(f"unknown mass unit {unit!r}; expected 'kg' or 'lb'")
    return kg.quantize(KG_STORAGE, rounding=ROUND_HALF_EVEN)


def from_kg(kg: Decimal | int | str, unit: str) -> Decimal:
    """Convert a mass in kg to ``unit`` ('kg' or 'lb') without rounding.

    Raises ValueError for an unknown unit.
    """
    kg = Decimal(kg)
    if unit == "kg":
        return kg
    if unit == "lb":
        return kg / KG_PER_LB
    raise ValueError(f"unknown mass unit {unit!r}; expected 'kg' or 'lb'")


def display_mass(kg: Decimal | int | str | None, unit: str, places: int = 1) -> str:
    """Format a mass stored in kg for display in ``unit``: '183.7 kg', '405 lb'.

    Rounds half-even to ``places`` decimals and drops a trailing '.0'; None gives ''.
    """
    if kg is None:
        return ""
    return f"{mass_number(kg, unit, places)} {unit}"


def mass_number(kg: Decimal | int | str, unit: str, places: int = 1) -> str:
    """The number display_mass shows, without the unit (for tables headed by it): '183.7'."""
    value = from_kg(kg, unit).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return plain(value)


def plain(value: Decimal | int | str) -> str:
    """A decimal as text without exponent or trailing zeros: '405', '82.5', '0.25'."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def feet_inches_to_cm(feet: int, inches: Decimal | int | str) -> Decimal:
    """Height in feet and inches to cm, to 0.1 cm (1 in = 2.54 cm exactly)."""
    total_inches = Decimal(feet) * INCHES_PER_FOOT + Decimal(inches)
    return (total_inches * CM_PER_INCH).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def cm_to_feet_inches(cm: Decimal | int | str) -> tuple[int, Decimal]:
    """Height in cm to (feet, inches), inches to 0.1 in; 180 cm -> (5, Decimal('10.9'))."""
    total = (Decimal(cm) / CM_PER_INCH).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    feet = int(total // INCHES_PER_FOOT)
    return feet, total - feet * INCHES_PER_FOOT
