"""Unit conversions against the 1959 international pound and inch definitions (NIST SP 811)."""

from decimal import Decimal

import pytest

from app.domain import units


def test_405_lb_is_183_70_kg():
    # 405 x 0.45359237 = 183.70490985 kg exactly; stored to 0.1 g, shown to 0.01 kg as 183.70
    kg = units.to_kg(405, "lb")
    assert kg == Decimal("183.7049")
    assert kg.quantize(Decimal("0.01")) == Decimal("183.70")


def test_lb_to_kg_uses_the_exact_international_pound():
    assert units.KG_PER_LB == Decimal("0.45359237")
    assert units.to_kg("1", "lb") == Decimal("0.4536")
    assert units.to_kg("100", "lb") == Decimal("45.3592")  # 45.359237


def test_a_lb_entry_survives_the_round_trip_to_display():
    for lb in ("135", "225", "315", "405", "496", "317.5", "142.3"):
        assert units.display_mass(units.to_kg(lb, "lb"), "lb") == f"{Decimal(lb).normalize():f} lb"


def test_kg_entries_are_stored_exactly():
    assert units.to_kg("142.5", "kg") == Decimal("142.5")
    assert units.to_kg("0.25", "kg") == Decimal("0.25")


def test_display_mass_rounds_half_even_and_drops_trailing_zeros():
    assert units.display_mass(Decimal("183.7049"), "kg", 2) == "183.7 kg"
    assert units.display_mass(Decimal("200"), "kg") == "200 kg"
    assert units.display_mass(Decimal("100"), "lb") == "220.5 lb"  # 220.462...
    assert units.display_mass(None, "kg") == ""


def test_height_conversions_use_2_54_cm_per_inch():
    assert units.feet_inches_to_cm(6, 0) == Decimal("182.9")  # 182.88 cm
    assert units.feet_inches_to_cm(5, 10) == Decimal("177.8")  # 177.8 cm exactly
    assert units.cm_to_feet_inches(Decimal("177.8")) == (5, Decimal("10.0"))


def test_unknown_units_raise():
    with pytest.raises(ValueError, match="stone"):
        units.to_kg(10, "stone")
    with pytest.raises(ValueError):
        units.from_kg(10, "oz")
