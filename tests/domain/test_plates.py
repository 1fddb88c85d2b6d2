"""The plate calculator: the shared hand-computed vectors (also run by node --test against
static/js/plates.js), and properties checked against a brute force over the inventory."""

import itertools
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import plates

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "plates.json").read_text())


def kg_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def loading(found):
    if found is None:
        return None
    return {
        "achieved_kg": kg_text(found.achieved_kg),
        "per_side": [p.label for p in found.per_side],
    }


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_shared_vectors(case):
    def run():
        stock = plates.inventory(case["plates"], case["plate_unit"])
        return plates.load(case["target"], case["unit"], case["bar"], case["collar"], stock)

    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(plates.PlateError):
            run()
        return
    answer = run()
    assert answer.exact is expect["exact"]
    assert loading(answer.best) == {
        "achieved_kg": expect["achieved_kg"],
        "per_side": expect["per_side"],
    }
    assert loading(answer.below) == expect["below"]
    assert loading(answer.above) == expect["above"]


def test_there_are_enough_vectors():
    assert len(VECTORS["cases"]) >= 40


# Properties: a brute force enumerates every per-side combination the inventory allows.
DENOMINATIONS = ["25", "20", "15", "10", "5", "2.5", "1.25", "0.5"]
LB = ["45", "35", "25", "10", "5", "2.5"]


@st.composite
def setups(draw):
    plate_unit = draw(st.sampled_from(["kg", "lb"]))
    names = DENOMINATIONS if plate_unit == "kg" else LB
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=5))
    stock = {name: draw(st.integers(min_value=0, max_value=3)) for name in chosen}
    unit = draw(st.sampled_from(["kg", "lb"]))
    bar = draw(st.sampled_from(["20", "15", "0"] if unit == "kg" else ["45", "35", "0"]))
    target = draw(st.decimals(min_value=Decimal(bar), max_value=Decimal(400), places=2))
    return stock, plate_unit, unit, bar, target


def brute_force(stock, plate_unit):
    """Every per-side multiset within the inventory: {sum in UNITS: [combinations]}."""
    items = [(plates.to_units(name, plate_unit), pairs) for name, pairs in stock.items()]
    sums = {}
    for counts in itertools.product(*(range(pairs + 1) for _, pairs in items)):
        total = sum(units * count for (units, _), count in zip(items, counts, strict=True))
        sums.setdefault(total, []).append(sum(counts))
    return sums


@settings(max_examples=300, deadline=None)
@given(setups())
def test_the_answer_is_the_nearest_load_the_inventory_makes(setup):
    stock, plate_unit, unit, bar, target = setup
    answer = plates.load(target, unit, bar, "0", plates.inventory(stock, plate_unit))
    fixed = plates.to_units(bar, unit)
    options = brute_force(stock, plate_unit)
    for found in (answer.best, answer.below, answer.above):
        if found is None:
            continue
        per_side = sum(p.units for p in found.per_side)
        assert found.achieved_units == fixed + 2 * per_side  # the plates make the load
        for name, pairs in stock.items():  # never more than the gym has
            assert sum(1 for p in found.per_side if p.label == name) <= pairs
        assert list(found.per_side) == sorted(found.per_side, key=lambda p: -p.units)
        assert len(found.per_side) == min(options[per_side])  # fewest plates for that load
    achievable = [fixed + 2 * s for s in options]
    distance = min(abs(load - answer.target_units) for load in achievable)
    assert abs(answer.best.achieved_units - answer.target_units) == distance  # none closer
    assert answer.exact == (distance == 0)
    if not answer.exact:
        assert answer.below.achieved_units == max(a for a in achievable if a < answer.target_units)
        over = [a for a in achievable if a > answer.target_units]
        assert (answer.above.achieved_units if answer.above else None) == (
            min(over) if over else None
        )


def test_presets_match_the_published_tables():
    from tests.conftest import shared_file

    table = json.loads(shared_file("refdata", "plates.json").read_text())
    ipf = table["ipf_powerlifting"]
    assert Decimal(plates.PRESETS["ipf"]["bar"]) == ipf["bar_kg"]
    assert Decimal(plates.PRESETS["ipf"]["collar"]) == ipf["collar_kg_each"]
    assert {Decimal(d) for d in plates.PRESETS["ipf"]["plates"]} == {
        Decimal(str(d)) for d in ipf["disc_set_kg"]
    }
    for weight, colour in plates.IPF_COLOURS.items():
        if weight in ipf["colours"] and ipf["colours"][weight]["confidence"] == "high":
            assert ipf["colours"][weight]["colour"] == colour
    lb = table["lb_plates"]
    assert Decimal(plates.PRESETS["lb-gym"]["bar"]) == lb["bar_lb"]
    assert [Decimal(d) for d in plates.PRESETS["lb-gym"]["plates"]] == [
        Decimal(str(d)) for d in lb["common_plates_lb"]
    ]
    exact = Decimal(str(table["unit_conversion"]["lb_to_kg_exact"]))
    assert Decimal(plates.UNITS_PER_LB) / plates.UNITS_PER_KG == exact
