"""Attempt selection and warm-up ladders under IPF/USAPL/USPA loading rules."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import attempts, loading

INCREMENT = Decimal("2.5")  # IPF Technical Rules: attempts in multiples of 2.5 kg


@given(
    st.decimals(min_value=40, max_value=450, places=2),
    st.sampled_from(sorted(attempts.RULES)),
    st.sampled_from(sorted(attempts.STYLES)),
)
def test_attempts_are_legal_increasing_and_around_the_projected_max(projected, fed, style):
    chosen = attempts.select_attempts(projected, fed, style)
    for load in chosen.as_tuple():
        assert load % INCREMENT == 0
    assert chosen.opener < chosen.second < chosen.third
    assert chosen.opener <= projected * Decimal("0.93")  # the opener is a sure lift
    assert projected * Decimal("0.95") <= chosen.third <= projected * Decimal("1.04") + INCREMENT


def test_a_record_third_uses_half_kilo_steps_only_where_the_rules_allow():
    ipf = attempts.select_attempts(200, "IPF", record_kg=Decimal("201"))
    assert ipf.third == Decimal("201.5") and ipf.third_is_record  # record + 0.5 kg
    uspa = attempts.select_attempts(200, "USPA", record_kg=Decimal("201"))
    assert uspa.third % INCREMENT == 0 and not uspa.third_is_record
    out_of_reach = attempts.select_attempts(200, "IPF", record_kg=Decimal("230"))
    assert not out_of_reach.third_is_record


@pytest.mark.parametrize(
    ("args", "message"),
    [((200, "WPC"), "federation"), ((200, "IPF", "yolo"), "style"), ((10, "IPF"), "25 kg")],
)
def test_bad_attempt_inputs(args, message):
    with pytest.raises(attempts.AttemptError, match=message):
        attempts.select_attempts(*args)


@given(st.decimals(min_value=25, max_value=450, places=1))
def test_warm_ups_climb_from_the_bar_to_below_the_opener(opener):
    ladder = attempts.warm_up_ladder(opener)
    assert ladder[0].load_kg == loading.BAR_KG
    loads = [s.load_kg for s in ladder]
    assert loads == sorted(set(loads))
    assert all(load % INCREMENT == 0 for load in loads)
    assert loads[-1] <= opener - 5 or len(loads) == 1
    assert all(b - a >= 5 for a, b in zip(loads, loads[1:], strict=False))


def test_warm_ups_need_an_opener_above_the_bar():
    with pytest.raises(attempts.AttemptError):
        attempts.warm_up_ladder(20)


def test_loadable_rounds_to_plate_steps_in_either_unit():
    assert loading.loadable(Decimal("143.7")) == Decimal("142.5")
    assert loading.loadable(Decimal("143.8")) == Decimal("145.0")
    # 100 kg = 220.46 lb -> 220 lb = 99.7903 kg (1 lb = 0.45359237 kg)
    assert loading.loadable(Decimal("100"), "lb") == Decimal("99.7903")
    assert loading.loadable(Decimal("5")) == loading.BAR_KG
