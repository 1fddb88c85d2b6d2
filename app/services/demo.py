"""Demo data for `flask seed-demo`: a coach and an athlete with a finished profile.

Idempotent: accounts are looked up by email and every profile step is written with a
fixed client id, so a second run changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.services import accounts, history, planner, profiles, receipts

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
    history.import_export(athlete, demo_history_csv(athlete.created_at.date()))
    today = datetime.now(UTC).date()
    meet = {
        "name": "Spring Classic Open",
        "meet_date": today + timedelta(weeks=10),
        "federation": "IPF",
        "location": "Leeds",
    }
    planner.save_meet(athlete, meet, str(uuid.uuid5(DEMO_NAMESPACE, "meet")), today)
    coach = accounts.find_by_email(COACH.email)
    _demo_posts(athlete, coach)
    _demo_messages(athlete, coach, today)
    _demo_tools(athlete)
    return [COACH, ATHLETE]


# Clips made at seed time from ffmpeg's test sources (no real footage is shipped), then put
# through the real pipeline: (client id, movement, kg, RPE, caption, ffmpeg source).
_POSTS = (
    (
        "demo-post-squat",
        "squat",
        "210",
        "8.5",
        "Top single, week 3. Depth felt good.",
        "testsrc2=size=720x1280:rate=30",
    ),
    (
        "demo-post-bench",
        "bench",
        "135",
        "8",
        "Paused triple, bar speed ok.",
        "smptehdbars=size=1280x720:rate=30",
    ),
)


def _demo_posts(athlete, coach) -> None:
    import subprocess
    import tempfile
    from pathlib import Path

    from app.models import Post
    from app.services import comments, feed, posts, social, video

    for client_id, movement, kg, rpe, caption, source in _POSTS:
        if receipts.existing(Post, athlete.id, client_id):
            continue
        with tempfile.TemporaryDirectory() as work:
            clip = Path(work) / "clip.mp4"
            subprocess.run(
                [
                    video.ffmpeg_binary(),
                    "-v",
                    "error",
                    "-y",
                    "-f",
                    "lavfi",
                    "-i",
                    source,
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=frequency=220",
                    "-t",
                    "3",
                    "-c:v",
                    "libx264",
                    "-pix_fmt",
                    "yuv420p",
                    "-c:a",
                    "aac",
                    "-shortest",
                    str(clip),
                ],
                check=True,
                timeout=120,
            )
            upload = posts.create_upload(athlete, clip.stat().st_size, "demo.mp4")
            with clip.open("rb") as stream:
                posts.append_chunk(upload, 0, stream)
        details = posts.NewPost(movement, Decimal(kg), Decimal(rpe), caption, "public")
        post = posts.create_post(athlete, upload, details, client_id)
        posts.process(post.id)  # in case no in-process job ran (a worker will skip it)
        feed.toggle_like(coach, post, True)
        if movement == "squat":
            note = comments.add(
                coach,
                post,
                "0:01 Good depth. Hips rise a touch early out of the hole: think chest up.",
                f"{client_id}-c1",
            )
            comments.add(
                athlete,
                post,
                "Will cue that on the next heavy single.",
                f"{client_id}-c2",
                parent=note,
            )
    social.follow(coach, athlete, has_grant=True)
    social.link_coach(coach, athlete)


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
                "squat_goal_kg": d("222.5"),
                "bench_goal_kg": d("147.5"),
                "deadlift_goal_kg": d("260"),
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


# Four weeks of a 3-day split before the account was made: (weekday, title, [(exercise,
# top-set kg, reps, RPE, back-off sets)]). Loads climb 2.5 kg a week on the main lifts.
_WEEK = (
    (
        0,
        "Squat + Bench",
        [
            ("Squat (Barbell)", 180, 3, 8, 3),
            ("Bench Press (Barbell)", 115, 5, 8, 3),
            ("Romanian Deadlift (Barbell)", 140, 8, 7, 2),
        ],
    ),
    (
        2,
        "Deadlift + Bench",
        [
            ("Deadlift (Barbell)", 215, 3, 8, 2),
            ("Bench Press (Barbell)", 105, 8, 7, 3),
            ("Bent Over Row (Barbell)", 90, 10, 8, 2),
        ],
    ),
    (
        4,
        "Squat + Bench",
        [
            ("Squat (Barbell)", 160, 6, 7, 3),
            ("Bench Press (Barbell)", 120, 3, 8.5, 2),
            ("Leg Press (Machine)", 200, 10, 8, 2),
        ],
    ),
)


def demo_history_csv(before) -> str:
    """The demo athlete's last four weeks as a Strong export (kg dialect), ending before
    ``before`` (a date), so the same account always gets the same history."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(history.EXPORT_HEADER)
    monday = before - timedelta(days=before.weekday() + 28)
    number = 0
    for week in range(4):
        for weekday, title, exercises in _WEEK:
            day = monday + timedelta(weeks=week, days=weekday)
            if day >= before:
                continue
            number += 1
            stamp = f"{day.isoformat()} 18:30:00"
            order = 0
            for name, top, reps, rpe, backoffs in exercises:
                top_kg = top + (2.5 * week if "(Barbell)" in name else 0)
                sets = [(top_kg, reps, rpe)] + [
                    (round(top_kg * 0.85 / 2.5) * 2.5, reps + 1, rpe - 1)
                ] * backoffs
                for load, set_reps, set_rpe in sets:
                    order += 1
                    writer.writerow(
                        (
                            number,
                            stamp,
                            title,
                            4500,
                            name,
                            order,
                            load,
                            set_reps,
                            set_rpe,
                            "",
                            "",
                            "",
                            "",
                        )
                    )
    return out.getvalue()


def _demo_messages(athlete, coach, today) -> None:
    """A chat between the athlete and their coach with pinned attempts (the planner's
    selection), and a question to the AI coach with its reply."""
    from app.models import OutboxEvent
    from app.services import coach_ai, events, messaging

    chat = messaging.conversation_between(athlete, coach)
    lines = (
        (coach, "How did the heavy single feel today?"),
        (athlete, "Moved well, RPE 8.5. Knee a bit tight on the walkout."),
        (coach, "Good. I pinned the attempts we talked about: opener stays conservative."),
    )
    for number, (sender, text) in enumerate(lines, start=1):
        messaging.send(sender, chat, text, f"demo-dm-{number}")
    meet = planner.active_meet(athlete, today)
    chosen = planner.projected_attempts(athlete, meet, today) if meet else {}
    if chosen:
        attempts = {
            lift: [f"{kg.normalize():f}" for kg in picked.as_tuple()]
            for lift, picked in chosen.items()
        }
        messaging.pin_attempts(coach, chat, attempts, "demo-pin-1")
    ai_chat = messaging.conversation_between(athlete, coach_ai.coach_user())
    asked = messaging.send(
        athlete,
        ai_chat,
        "How is my squat trending, and should I change Friday's top single?",
        "demo-dm-ai-1",
    )
    for event in db.session.scalars(
        select(OutboxEvent).filter(OutboxEvent.done_at.is_(None))
    ).all():
        if event.payload.get("message_id") == asked.id:
            events.handle(event.id)  # answered now even when no worker runs yet


def _demo_tools(athlete) -> None:
    """A garage gym with a limited plate inventory, and two machine notes."""
    from app.services import gyms, machines

    gyms.save(
        athlete,
        "Garage gym",
        "kg",
        Decimal(20),
        Decimal(0),
        {"25": 2, "20": 1, "15": 2, "10": 1, "5": 1, "2.5": 1, "1.25": 1},
        "demo-gym-garage",
    )
    machines.seed_demo_notes(athlete)
