"""The programming tables: training-day patterns, base frequencies, volume factors, accessory
choices and how each kind of block trains (reps, RPE, back-offs) with the sentence the
athlete sees. Sources as in domain.programming."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Training days (0 = first day of a plan week) for each number of days per week.
DAY_PATTERNS = {
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 4, 5),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
# Sessions per week for each lift before priorities and recovery adjust them.
BASE_FREQUENCY = {
    2: {"squat": 1, "bench": 2, "deadlift": 1},
    3: {"squat": 2, "bench": 2, "deadlift": 1},
    4: {"squat": 2, "bench": 3, "deadlift": 2},
    5: {"squat": 2, "bench": 3, "deadlift": 2},
    6: {"squat": 3, "bench": 4, "deadlift": 2},
    7: {"squat": 3, "bench": 4, "deadlift": 2},
}
VOLUME = {"low": Decimal("0.8"), "medium": Decimal(1), "high": Decimal("1.25")}
MINUTES_PER_SET = 4  # a working set plus rest, on average
ACCESSORIES = {
    "squat": ("Paused squat", "Leg press", "Walking lunge"),
    "bench": ("Close-grip bench press", "Dumbbell row", "Overhead press"),
    "deadlift": ("Romanian deadlift", "Barbell row", "Back extension"),
}


@dataclass(frozen=True)
class BlockStyle:
    """How one kind of block trains: top-set reps and RPE over the block, back-off sets."""

    title: str
    top_reps: tuple[int, int]  # reps in the block's first and last week
    top_rpe: tuple[Decimal, Decimal]  # RPE in the block's first and last week
    backoff_sets: int
    backoff_reps: int
    backoff_drop: Decimal  # back-off load as a fraction of the top set
    why: str


BLOCKS = {
    "base": BlockStyle(
        "Base",
        (8, 6),
        (Decimal(7), Decimal(8)),
        4,
        6,
        Decimal("0.85"),
        "More sets of 6-8 reps at RPE 7-8 to build muscle and groove technique: "
        "the most work of the plan, and the least intense.",
    ),
    "strength": BlockStyle(
        "Strength",
        (5, 3),
        (Decimal(8), Decimal("8.5")),
        3,
        4,
        Decimal("0.88"),
        "Heavier sets of 3-5 at RPE 8-8.5 with fewer back-offs: turning the "
        "base into force on the three lifts.",
    ),
    "peaking": BlockStyle(
        "Peaking",
        (2, 1),
        (Decimal("8.5"), Decimal(9)),
        2,
        2,
        Decimal("0.9"),
        "Heavy singles and doubles at RPE 8.5-9 so your opener and second "
        "feel familiar; volume drops week by week.",
    ),
    "taper": BlockStyle(
        "Taper",
        (1, 1),
        (Decimal(8), Decimal(8)),
        2,
        2,
        Decimal("0.85"),
        "About 40% less volume at the same intensity: fatigue falls and the "
        "strength you built shows.",
    ),
    "meet_week": BlockStyle(
        "Meet week",
        (1, 1),
        (Decimal(7), Decimal(7)),
        1,
        2,
        Decimal("0.8"),
        "Openers at an easy RPE 7 early in the week, then rest. Eat, sleep, and trust the work.",
    ),
}
