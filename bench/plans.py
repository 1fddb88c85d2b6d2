"""Benchmark: generate plans for 10,000 athletes of varied profiles (target < 10 ms a plan).

Run: .venv/bin/python bench/plans.py [count]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain import programming  # noqa: E402


def athletes(count: int, seed: int = 7):
    rng = random.Random(seed)
    start = date(2026, 1, 5)
    for _ in range(count):
        squat = Decimal(rng.randrange(80, 320))
        yield programming.PlanInputs(
            start=start,
            meet=start + timedelta(days=rng.randrange(21, 24 * 7)),
            days_per_week=rng.randrange(2, 8),
            session_minutes=rng.choice((60, 75, 90, 120)),
            e1rm_kg={
                "squat": squat,
                "bench": squat * Decimal("0.65"),
                "deadlift": squat * Decimal("1.2"),
            },
            most_important=rng.choice(programming.LIFTS),
            least_important="deadlift",
            recovery={lift: rng.randrange(1, 6) for lift in programming.LIFTS},
            volume_preference=rng.choice(("low", "medium", "high")),
            recovers_from_heavy_deadlifts=rng.random() < 0.6,
            unit=rng.choice(("kg", "lb")),
        )


def main(count: int = 10_000) -> None:
    inputs = list(athletes(count))
    started = time.perf_counter()
    sessions = 0
    for item in inputs:
        plan = programming.generate_plan(item)
        sessions += sum(len(week.days) for week in plan.weeks)
    elapsed = time.perf_counter() - started
    per_plan_ms = elapsed / count * 1000
    print(f"plans: {count}  sessions: {sessions}  total: {elapsed:.2f} s")
    print(f"per plan: {per_plan_ms:.3f} ms  (target 10 ms: {per_plan_ms / 10:.2f}x of budget)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
