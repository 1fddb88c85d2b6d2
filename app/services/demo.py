"""Demo data for `flask seed-demo`: a coach and an athlete with a finished profile.

Idempotent: accounts are looked up by email and every profile step is written with a
fixed client id, so a second run changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.services import accounts, planner, profiles

DEMO_NAMESPACE = uuid.UUID("6f1c2d4e-9b7a-4c1e-8f3d-2a5b6c7d8e9f")


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


COACH = DemoLogin("coach", "coach@meetday.test", "coach-demo-2026")
ATHLETE = DemoLogin("athlete", "athlete@meetday.test", "athlete-demo-2026")


def seed() -> list[DemoLogin]:
    """Create the demo coach and athlete if missing; returns their logins."""
    if accounts.find_by_email(COACH.email) is None:
        accounts.register(COACH.email, COACH.password, "Coach Dana Reyes", role="coach")
    athlete = accounts.find_by_email(ATHLETE.email) or accounts.register(
        ATHLETE.email, ATHLETE.password, "Sam Okafor"
    )
    for step, (profile_values, user_values) in enumerate(_athlete_profile(), start=1):
        client_id = str(uuid.uuid5(DEMO_NAMESPACE, f"{ATHLETE.email}/step{step}"))
        profiles.save_step(athlete, step, profile_values, user_values, client_id)
    today = datetime.now(UTC).date()
    meet = {
        "name": "Spring Classic Open",
        "meet_date": today + timedelta(weeks=10),
        "federation": "IPF",
        "location": "Leeds",
    }
    planner.save_meet(athlete, meet, str(uuid.uuid5(DEMO_NAMESPACE, "meet")), today)
    return [COACH, ATHLETE]


def _athlete_profile():
    d = Decimal
    meet = datetime.now(UTC).date() + timedelta(weeks=12)
    return [
        (
            {"sex": "M", "age": 29, "bodyweight_kg": d("82.4"), "height_cm": d("178.0")},
            {"mass_unit": "kg", "height_unit": "cm", "time_zone": "Europe/London"},
        ),
        (
            {
                "federation": "IPF",
                "meet_date": meet,
                "weight_class": "83",
                "weight_plan": "maintain",
                "target_bodyweight_kg": None,
                "past_competitions": "2025 Regionals – 610 kg total\n2024 Novice Open – 555 kg total",
            },
            {},
        ),
        (
            {
                "squat_best_kg": d("215"),
                "squat_best_reps": 1,
                "bench_best_kg": d("140"),
                "bench_best_reps": 1,
                "deadlift_best_kg": d("255"),
                "deadlift_best_reps": 1,
                "squat_goal_kg": d("227.5"),
                "bench_goal_kg": d("147.5"),
                "deadlift_goal_kg": d("265"),
                "most_important_lift": "squat",
                "least_important_lift": "deadlift",
                "planned_gain_kg_per_month": d("2.5"),
                "evaluate_feasibility": True,
            },
            {},
        ),
        (
            {
                "days_per_week": 4,
                "session_minutes": 90,
                "volume_preference": "medium",
                "squat_recovery": 4,
                "bench_recovery": 5,
                "deadlift_recovery": 2,
                "recovers_from_heavy_deadlifts": False,
                "deadlift_style": "conventional",
                "squat_stance": "medium",
                "knee_sleeves": True,
            },
            {},
        ),
        (
            {
                "form_issues": "Hips shoot up out of the hole on heavy squats.",
                "injuries": "Left hip flexor niggle, 2025.",
                "feed_visibility": "public",
                "feed_passcode": None,
            },
            {},
        ),
    ]
