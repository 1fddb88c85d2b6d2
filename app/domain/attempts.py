"""Meet attempts (opener, second, third) and the warm-up ladder to the opener. Loads in kg.

Federation rules: IPF Technical Rules (attempts in multiples of 2.5 kg; a record attempt may
be a multiple of 0.5 kg, at least 0.5 kg over the record); USAPL competes under the IPF rules.
USPA: 2.5 kg steps; its record rules are not modelled, so 0.5 kg attempts are refused.
Attempt percentages follow the common coaching convention (opener about 90% of the projected
max, a second about 95-97%, a third at or a little over it; e.g. Nuckols, "How to pick your
attempts", Stronger By Science, 2016), shifted by the athlete's style.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.loading import BAR_KG, round_to


@dataclass(frozen=True)
class FederationRules:
    increment_kg: Decimal
    record_increment_kg: Decimal | None


RULES = {
    "IPF": FederationRules(Decimal("2.5"), Decimal("0.5")),
    "USAPL": FederationRules(Decimal("2.5"), Decimal("0.5")),
    "USPA": FederationRules(Decimal("2.5"), None),
}

# style -> fractions of the projected max for opener, second, third
STYLES = {
    "conservative": (Decimal("0.88"), Decimal("0.94"), Decimal("0.99")),
    "standard": (Decimal("0.91"), Decimal("0.96"), Decimal("1.00")),
    "aggressive": (Decimal("0.93"), Decimal("0.98"), Decimal("1.025")),
}


class AttemptError(ValueError):
    """A projected max, federation or style the selection can't work with."""


@dataclass(frozen=True)
class Attempts:
    opener: Decimal
    second: Decimal
    third: Decimal
    third_is_record: bool = False

    def as_tuple(self) -> tuple[Decimal, Decimal, Decimal]:
        return self.opener, self.second, self.third


def select_attempts(
    projected_max_kg, federation: str = "IPF", style: str = "standard", record_kg=None
) -> Attempts:
    """Opener, second and third for a lift whose projected meet-day max is ``projected_max_kg``.

    The opener rounds down, the others to the nearest federation increment; each attempt is at
    least one increment above the last. With ``record_kg`` and rules that allow it, a third
    within reach (<= 102.5% of the projected max) goes for the record + 0.5 kg.
    Raises AttemptError for an unknown federation or style, or a max below 25 kg.
    """
    if federation not in RULES:
        raise AttemptError(f"unknown federation {federation!r}")
    if style not in STYLES:
        raise AttemptError(f"style must be one of {', '.join(STYLES)}")
    projected = Decimal(projected_max_kg)
    if not projected.is_finite() or projected < 25:
        raise AttemptError("projected max must be at least 25 kg")
    rules = RULES[federation]
    step = rules.increment_kg
    fractions = STYLES[style]
    opener = round_to(projected * fractions[0], step, "down")
    second = max(round_to(projected * fractions[1], step), opener + step)
    third = max(round_to(projected * fractions[2], step), second + step)
    if record_kg is not None and rules.record_increment_kg is not None:
        record_attempt = round_to(
            Decimal(record_kg) + rules.record_increment_kg, rules.record_increment_kg, "up"
        )
        if second < record_attempt <= projected * Decimal("1.025"):
            return Attempts(opener, second, record_attempt, third_is_record=True)
    return Attempts(opener, second, third)


@dataclass(frozen=True)
class WarmUpSet:
    load_kg: Decimal
    reps: int


# (fraction of the opener, reps): bigger openers get more steps, and no jump is huge
_LADDER = (
    (Decimal("0.30"), 5),
    (Decimal("0.50"), 3),
    (Decimal("0.65"), 2),
    (Decimal("0.78"), 1),
    (Decimal("0.87"), 1),
    (Decimal("0.94"), 1),
)
MIN_JUMP_KG = Decimal(5)


def warm_up_ladder(opener_kg, bar_kg=BAR_KG, step_kg=Decimal("2.5")) -> list[WarmUpSet]:
    """Warm-ups from the empty bar to the opener (exclusive), loads rounded to ``step_kg``.

    The empty bar first, then about 30/50/65/78/87/94% of the opener; a step closer than 5 kg
    to the previous one or to the opener is dropped. Raises AttemptError if the opener is
    not above the bar.
    """
    opener, bar = Decimal(opener_kg), Decimal(bar_kg)
    if opener <= bar:
        raise AttemptError("the opener must be heavier than the bar")
    ladder = [WarmUpSet(bar, 10 if opener > 100 else 5)]
    for fraction, reps in _LADDER:
        load = round_to(opener * fraction, step_kg)
        if load - ladder[-1].load_kg >= MIN_JUMP_KG and opener - load >= MIN_JUMP_KG:
            ladder.append(WarmUpSet(load, reps))
    return ladder
