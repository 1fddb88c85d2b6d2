"""Meets, plans and workouts against the real database: idempotency and autoregulation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain import programming, strength
from app.models import LiftEstimate, Meet, Plan, WorkoutSet
from app.services import planner, profiles, workouts
from tests.conftest import make_user

TODAY = date(2026, 3, 2)


PROFILE = {  # enough for a plan: bests, schedule, priorities, recovery
    "sex": "M",
    "age": 30,
    "bodyweight_kg": Decimal("82.5"),
    "height_cm": Decimal(178),
    "squat_best_kg": Decimal(200),
    "squat_best_reps": 1,
    "bench_best_kg": Decimal(130),
    "bench_best_reps": 1,
    "deadlift_best_kg": Decimal(240),
    "deadlift_best_reps": 1,
    "days_per_week": 4,
    "session_minutes": 90,
    "most_important_lift": "squat",
    "least_important_lift": "deadlift",
    "volume_preference": "medium",
    "squat_recovery": 3,
    "bench_recovery": 4,
    "deadlift_recovery": 3,
    "recovers_from_heavy_deadlifts": True,
}


def athlete(**profile):
    user = make_user()
    values = dict(PROFILE)
    values.update(profile)
    profiles.save_step(user, 3, values, {}, "00000000-0000-4000-8000-000000000001")
    return user


def onboarded_athlete(**profile):
    """An athlete whose five onboarding steps are all saved (the profile is complete)."""
    user = athlete(**profile)
    for step in (1, 2, 4, 5):
        profiles.save_step(
            user,
            step,
            {"sex": "M"} if step == 1 else {},
            {},
            f"00000000-0000-4000-8000-00000000000{step + 1}",
        )
    return user


def meet_values(weeks=12):
    return {
        "name": "Nationals",
        "meet_date": TODAY + timedelta(weeks=weeks),
        "federation": "IPF",
        "location": "Leeds",
    }


def test_saving_a_meet_builds_its_plan_once_per_client_id(db):
    user = athlete()
    first = planner.save_meet(user, meet_values(), "11111111-1111-4111-8111-111111111111", TODAY)
    again = planner.save_meet(user, meet_values(), "11111111-1111-4111-8111-111111111111", TODAY)
    assert not first.replayed and again.replayed
    assert db.session.scalar(select(func.count()).select_from(Meet)) == 1
    plan = db.session.scalar(select(Plan))
    assert plan.sessions[-1].is_meet and plan.sessions[-1].day == TODAY + timedelta(weeks=12)
    assert plan.e1rm_kg["squat"] == "200.00"


def test_moving_the_meet_rebuilds_the_plan(db):
    user = athlete()
    meet = planner.save_meet(
        user, meet_values(12), "11111111-1111-4111-8111-111111111111", TODAY
    ).meet
    planner.save_meet(user, meet_values(8), "22222222-2222-4222-8222-222222222222", TODAY, meet)
    plan = db.session.scalar(select(Plan))
    assert plan.sessions[-1].day == TODAY + timedelta(weeks=8)
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 1
    assert max(s.week_number for s in plan.sessions) == 8


def test_a_plan_needs_maxes(db):
    user = athlete(deadlift_best_kg=None)
    with pytest.raises(programming.PlanError, match="deadlift"):
        planner.save_meet(user, meet_values(), "11111111-1111-4111-8111-111111111111", TODAY)
    assert db.session.scalar(select(func.count()).select_from(Meet)) == 0


def test_a_harder_top_set_than_planned_lowers_the_next_loads(db):
    user = athlete()
    planner.save_meet(user, meet_values(), "11111111-1111-4111-8111-111111111111", TODAY)
    plan = db.session.scalar(select(Plan))
    first, second = [s for s in plan.sessions if any(e.lift == "squat" for e in s.exercises)][:2]
    top = next(e for e in first.exercises if e.lift == "squat" and e.kind == "top set")
    workout = workouts.start_workout(user, "33333333-3333-4333-8333-333333333333", first)
    # The planned top set, but it felt 1.5 RPE harder than prescribed
    harder = top.rpe + Decimal("1.5")
    logged = workouts.log_set(
        user,
        workout,
        top.name,
        "squat",
        top.load_kg,
        top.reps,
        harder,
        "44444444-4444-4444-8444-444444444444",
    )
    replay = workouts.log_set(
        user,
        workout,
        top.name,
        "squat",
        top.load_kg,
        top.reps,
        harder,
        "44444444-4444-4444-8444-444444444444",
    )
    assert replay.replayed and replay.entry.id == logged.entry.id
    assert db.session.scalar(select(func.count()).select_from(WorkoutSet)) == 1
    summary = workouts.complete_workout(user, workout, "tough")
    expected = strength.e1rm_rpe(top.load_kg, top.reps, harder)  # load / chart %
    assert summary.lifts[0].e1rm_kg == expected < Decimal(200)
    assert summary.volume_kg == top.load_kg * top.reps
    assert planner.current_e1rm(user)["squat"] == expected
    next_top = next(e for e in second.exercises if e.lift == "squat" and e.kind == "top set")
    adjusted = planner.prescribed_load(next_top, plan, planner.current_e1rm(user), "kg")
    assert adjusted.load_kg < next_top.load_kg
    assert "down" in adjusted.reason
    # completing again records nothing more
    workouts.complete_workout(user, workout, None)
    assert db.session.scalar(select(func.count()).select_from(LiftEstimate)) == 1
    assert planner.next_session(plan, first.day) != first


def test_an_e1rm_above_the_best_is_a_pr(db):
    user = athlete()
    workout = workouts.start_workout(user, "55555555-5555-4555-8555-555555555555")
    workouts.log_set(
        user,
        workout,
        "Squat",
        "squat",
        Decimal(190),
        3,
        Decimal(9),
        "66666666-6666-4666-8666-666666666666",
    )
    summary = workouts.complete_workout(user, workout, None)
    # 190 x 3 @ 9 = 190 / 0.892 = 213.00 kg > 200 kg best
    assert summary.lifts[0].e1rm_kg == Decimal("213.00") and summary.lifts[0].is_pr


def test_feasibility_follows_the_current_maxes(db):
    user = athlete(
        squat_goal_kg=Decimal(205),
        bench_goal_kg=Decimal(132.5),
        deadlift_goal_kg=Decimal(245),
        planned_gain_kg_per_month=Decimal("2.5"),
        evaluate_feasibility=True,
        sex="M",
        bodyweight_kg=Decimal("82.5"),
    )
    meet = planner.save_meet(
        user, meet_values(12), "11111111-1111-4111-8111-111111111111", TODAY
    ).meet
    before = planner.feasibility(user, meet, TODAY)
    assert before["squat"].current_kg == Decimal("200.00")
    workout = workouts.start_workout(user, "77777777-7777-4777-8777-777777777777")
    workouts.log_set(
        user,
        workout,
        "Squat",
        "squat",
        Decimal(180),
        3,
        Decimal(10),
        "88888888-8888-4888-8888-888888888888",
    )
    workouts.complete_workout(user, workout, None)
    after = planner.feasibility(user, meet, TODAY)
    assert after["squat"].current_kg == Decimal("195.23")  # 180 / 0.922 (3 reps @ RPE 10)
    assert after["squat"].gap_kg > before["squat"].gap_kg


def test_projected_attempts_are_legal_and_below_the_projection(db):
    user = athlete(evaluate_feasibility=False)
    meet = planner.save_meet(
        user, meet_values(12), "11111111-1111-4111-8111-111111111111", TODAY
    ).meet
    chosen = planner.projected_attempts(user, meet, TODAY)
    # No feasibility: the projection is today's e1RM (200 / 130 / 240 kg from the profile)
    assert chosen["squat"].as_tuple() == (Decimal("180.0"), Decimal("192.5"), Decimal("200.0"))
    for attempts in chosen.values():
        assert all(load % Decimal("2.5") == 0 for load in attempts.as_tuple())


def test_the_summary_compares_with_the_best_before_this_workout(db):
    user = athlete()  # squat best 200 kg in the profile
    workout = workouts.start_workout(user, "99999999-9999-4999-8999-999999999999")
    workouts.log_set(
        user,
        workout,
        "Squat",
        "squat",
        Decimal(150),
        5,
        Decimal(8),
        "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa",
    )
    first = workouts.complete_workout(user, workout, None)
    again = workouts.complete_workout(user, workout, None)  # the summary page, later
    for summary in (first, again):
        assert summary.lifts[0].previous_e1rm_kg == Decimal("200.00")
        assert summary.lifts[0].e1rm_kg == Decimal("184.96")  # 150 / 0.811 (5 @ 8)
