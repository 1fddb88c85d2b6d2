"""Powerlifting bodyweight classes per federation and sex, with the dates they apply.

A class is named by its upper limit in kg (inclusive); "120+" is everything above the
previous limit. A lifter belongs to the lightest class whose limit is >= bodyweight.
Sources: IPF Technical Rules and the 2010 IPF General Assembly decision (classes from
2011-01-01), OpenPowerlifting's federation configs (opl-data meet-data/<fed>/CONFIG.toml,
commit 473b4cfc, 2024-08-23) for the 2021 IPF women's split of 72 kg into 69/76 kg and for
USAPL's and USPA's changes, and OpenLifter's getWeightClassStr for the membership rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

FEDERATIONS = {
    "IPF": "IPF (and its affiliates)",
    "USAPL": "USAPL",
    "USPA": "USPA",
}
SEXES = ("M", "F")

_OLD_M = ("52", "56", "60", "67.5", "75", "82.5", "90", "100", "110", "125", "125+")
_OLD_F = ("44", "48", "52", "56", "60", "67.5", "75", "82.5", "90", "90+")
_IPF_M = ("59", "66", "74", "83", "93", "105", "120", "120+")
_IPF_F_2011 = ("47", "52", "57", "63", "72", "84", "84+")
_IPF_F_2021 = ("47", "52", "57", "63", "69", "76", "84", "84+")


@dataclass(frozen=True)
class ClassSet:
    """The classes one federation used for one sex between two dates (inclusive; None = open)."""

    federation: str
    sex: str
    classes: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


CLASS_SETS: tuple[ClassSet, ...] = tuple(
    ClassSet(fed, sex, classes, _d(start), _d(end))
    for fed, sex, classes, start, end in (
        ("IPF", "M", _OLD_M, None, "2010-12-31"),
        ("IPF", "F", _OLD_F, None, "2010-12-31"),
        ("IPF", "M", _IPF_M, "2011-01-01", None),
        ("IPF", "F", _IPF_F_2011, "2011-01-01", "2020-12-31"),
        ("IPF", "F", _IPF_F_2021, "2021-01-01", None),
        ("USAPL", "M", _OLD_M, None, "2014-12-31"),
        ("USAPL", "F", _OLD_F, None, "2014-12-31"),
        ("USAPL", "M", _IPF_M, "2015-01-01", "2021-12-31"),
        ("USAPL", "F", _IPF_F_2011, "2015-01-01", "2020-12-31"),
        ("USAPL", "F", _IPF_F_2021, "2021-01-01", "2021-12-31"),
        ("USAPL", "M", _OLD_M[:-1] + ("140", "140+"), "2022-01-01", None),
        ("USAPL", "F", _OLD_F[:-1] + ("100", "100+"), "2022-01-01", None),
        ("USPA", "M", _OLD_M[:-1] + ("140", "140+"), "1990-01-01", None),
        ("USPA", "F", _OLD_F, "1990-01-01", "2021-12-31"),
        ("USPA", "F", _OLD_F[:-1] + ("100", "110", "110+"), "2022-01-01", None),
    )
)


def classes_for(federation: str, sex: str, on: date) -> tuple[str, ...]:
    """The open weight classes of ``federation`` for ``sex`` ('M' or 'F') on day ``on``.

    Returns class names in ascending order, e.g. ('59', ..., '120', '120+').
    Raises ValueError for an unknown federation or sex, or a date no class set covers.
    """
    if federation not in FEDERATIONS:
        raise ValueError(f"unknown federation {federation!r}")
    if sex not in SEXES:
        raise ValueError(f"unknown sex {sex!r}; weight classes exist for 'M' and 'F'")
    for class_set in CLASS_SETS:
        if class_set.federation == federation and class_set.sex == sex and class_set.applies_on(on):
            return class_set.classes
    raise ValueError(f"no {federation} {sex} weight classes are known for {on.isoformat()}")


def class_for_bodyweight(classes: tuple[str, ...], bodyweight_kg: Decimal) -> str:
    """The class a lifter of ``bodyweight_kg`` makes: the lightest limit >= bodyweight.

    83.00 kg makes the 83 class; 83.01 kg makes 93; above the top limit gives the '+' class.
    """
    for name in classes:
        if not name.endswith("+") and Decimal(bodyweight_kg) <= Decimal(name):
            return name
    return classes[-1]


# Conventional pound labels of kg classes (rounded down, as meet programmes print them;
# refdata/weight_classes.json "lb_labels_for_kg_classes"): 83 kg = 182.98 lb -> '183'.
LB_LABELS = {
    "44": "97",
    "48": "105",
    "52": "114",
    "56": "123",
    "60": "132",
    "67.5": "148",
    "75": "165",
    "82.5": "181",
    "90": "198",
    "100": "220",
    "110": "242",
    "125": "275",
    "140": "308",
    "53": "116",
    "59": "130",
    "66": "145",
    "74": "163",
    "83": "183",
    "93": "205",
    "105": "231",
    "120": "264",
    "43": "94",
    "47": "103",
    "57": "125",
    "63": "138",
    "72": "158",
    "84": "185",
    "69": "152",
    "76": "167",
}


def class_label(name: str, unit: str = "kg") -> str:
    """Label for a class: '83' -> '83 kg'; for lb users '83 kg (183 lb)', '120+' -> '120+ kg (264+ lb)'."""
    if unit != "lb":
        return f"{name} kg"
    base = name.rstrip("+")
    plus = "+" if name.endswith("+") else ""
    pounds = LB_LABELS.get(base)
    return f"{name} kg ({pounds}{plus} lb)" if pounds else f"{name} kg"
