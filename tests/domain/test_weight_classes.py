"""Weight classes against the published tables in ../shared/refdata/weight_classes.json."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.domain import weight_classes
from tests.conftest import shared_file


@pytest.fixture(scope="module")
def published():
    return json.loads(shared_file("refdata", "weight_classes.json").read_text())


def test_every_published_ipf_usapl_uspa_class_set_matches(published):
    checked = 0
    for federation, sets in published["federations"].items():
        for entry in sets:
            if entry["sex"] not in weight_classes.SEXES:
                continue  # Mx classes: points formulas need M or F
            for day in _days_in(entry["effective"]):
                got = weight_classes.classes_for(federation, entry["sex"], day)
                assert list(got) == entry["classes_kg"], (federation, entry["sex"], day)
                checked += 1
    assert checked >= 2 * 14


def _days_in(effective):
    start = date.fromisoformat(effective["from"]) if effective["from"] else date(2000, 6, 1)
    end = date.fromisoformat(effective["to"]) if effective["to"] else date(2027, 6, 1)
    return [start, end, start + (end - start) / 2]


def test_ipf_women_split_72_into_69_and_76_in_2021():
    assert "72" in weight_classes.classes_for("IPF", "F", date(2020, 12, 31))
    classes_2021 = weight_classes.classes_for("IPF", "F", date(2021, 1, 1))
    assert "72" not in classes_2021 and {"69", "76"} <= set(classes_2021)


def test_membership_rule_examples_from_the_published_rule(published):
    # "52 kg class = 47.01-52.00 kg; 84+ = 84.01 kg and up" (IPF women 2011-2020)
    assert "47.01-52.00" in published["class_membership_rule"]["rule"]
    classes = weight_classes.classes_for("IPF", "F", date(2019, 6, 1))
    assert weight_classes.class_for_bodyweight(classes, Decimal("47.01")) == "52"
    assert weight_classes.class_for_bodyweight(classes, Decimal("52.00")) == "52"
    assert weight_classes.class_for_bodyweight(classes, Decimal("84.01")) == "84+"


def test_unknown_inputs_raise():
    with pytest.raises(ValueError, match="federation"):
        weight_classes.classes_for("WPC", "M", date.today())
    with pytest.raises(ValueError, match="sex"):
        weight_classes.classes_for("IPF", "X", date.today())
    with pytest.raises(ValueError, match="no USPA"):
        weight_classes.classes_for("USPA", "M", date(1980, 1, 1) - timedelta(days=1))


def test_lb_labels_are_the_conventional_ones(published):
    labels = published["lb_labels_for_kg_classes"]["values"]
    for name, pounds in labels.items():
        if not name.endswith("+"):
            assert weight_classes.class_label(name, "lb") == f"{name} kg ({pounds} lb)"
    assert weight_classes.class_label("120+", "lb") == "120+ kg (264+ lb)"
    assert weight_classes.class_label("83") == "83 kg"
