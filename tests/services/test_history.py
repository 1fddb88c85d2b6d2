"""Importing every real export in ../shared/realdata; counts checked by hand from the files."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain import importing
from app.models import LiftEstimate, Workout, WorkoutSet
from app.services import history
from tests.conftest import make_user, shared_file

# (file, format, workouts, sets): workouts = distinct sessions with at least one set of
# reps > 0; sets = such rows, leaving out Strong's 'Rest Timer'/'Note' rows, cardio rows,
# and Liftosaur sets planned but never logged (counted with cut/awk over the raw files).
REAL_EXPORTS = [
    ("strong_semicolon_lbs_rpe_weightunit_2022.csv", "strong", 25, 418),
    ("strong_comma_2025_rest_timer_rows.csv", "strong", 10, 109),
    ("strong_quoted_semicolon_kg_workoutnum_2025.csv", "strong", 47, 820),
    ("strong_french_headers_crlf_kg_2023.csv", "strong", 25, 511),
    ("hevy_lbs_emoji_supersets_rpe_escaped_newlines.csv", "hevy", 149, 2152),
    ("hevy_kg_12h_us_dates_rpe.csv", "hevy", 119, 2621),
    ("fitnotes_android_lbs_2020.csv", "fitnotes", 18, 436),
    ("liftosaur_history_kg_lb_mixed_rpe.csv", "liftosaur", 143, 2282),
]


def text(name: str) -> str:
    return shared_file("realdata", name).read_bytes().decode("utf-8")


@pytest.mark.parametrize(
    ("name", "fmt", "workouts", "sets"),
    REAL_EXPORTS,
    ids=[r[0].split("_")[0] + "-" + r[0].split("_")[1] for r in REAL_EXPORTS],
)
def test_every_real_export_imports_once(db, name, fmt, workouts, sets):
    user = make_user(time_zone="Europe/London")
    result = history.import_export(user, text(name))
    assert (result.format, result.workouts_added, result.sets_added) == (fmt, workouts, sets)
    assert db.session.scalar(select(func.count()).select_from(WorkoutSet)) == sets
    again = history.import_export(user, text(name))
    assert (again.workouts_added, again.sets_added, again.workouts_already_there) == (
        0,
        0,
        workouts,
    )
    assert db.session.scalar(select(func.count()).select_from(Workout)) == workouts


def test_the_spreadsheet_mangled_hevy_file_is_refused_whole(db):
    user = make_user()
    with pytest.raises(importing.ImportFileError, match=r"Row \d+"):
        history.import_export(user, text("hevy_resaved_semicolon_broken_multiline.csv"))
    assert db.session.scalar(select(func.count()).select_from(Workout)) == 0


def test_values_from_the_files(db):
    user = make_user(time_zone="Europe/London")
    history.import_export(user, text("strong_semicolon_lbs_rpe_weightunit_2022.csv"))
    first = db.session.scalars(select(WorkoutSet).order_by(WorkoutSet.id)).first()
    # Row 2: 2022-09-20 16:39:37;"Week B Day 1";"Bench Press (Barbell)";1;115;lbs;4;6
    assert (first.exercise, first.lift, first.reps, first.rpe) == (
        "Bench Press (Barbell)",
        "bench",
        4,
        Decimal(6),
    )
    assert first.load_kg == Decimal("52.1631")  # 115 lb x 0.45359237 = 52.16312255 kg
    workout = db.session.get(Workout, first.workout_id)
    assert workout.started_at.isoformat() == "2022-09-20T15:39:37+00:00"  # BST is UTC+1
    assert workout.duration_seconds == 17 * 60
    assert db.session.scalar(select(func.count()).select_from(LiftEstimate)) > 0


def test_hevy_us_dates_and_literal_newlines(db):
    user = make_user(time_zone="America/New_York")
    history.import_export(user, text("hevy_kg_12h_us_dates_rpe.csv"))
    newest = db.session.scalars(select(Workout).order_by(Workout.started_at.desc())).first()
    # "Jun 11, 2026, 1:01 PM" to "2:04 PM" in New York (EDT, UTC-4)
    assert newest.started_at.isoformat() == "2026-06-11T17:01:00+00:00"
    assert newest.duration_seconds == 63 * 60


def test_export_round_trips_through_the_importer(db):
    user = make_user(time_zone="Europe/Paris")
    history.import_export(user, text("liftosaur_history_kg_lb_mixed_rpe.csv"))
    exported = history.export_csv(user)
    other = make_user(time_zone="Europe/Paris")
    result = history.import_export(other, exported)
    assert (result.workouts_added, result.sets_added) == (143, 2282)
    totals = [
        db.session.scalar(
            select(func.sum(WorkoutSet.load_kg * WorkoutSet.reps)).filter(
                WorkoutSet.user_id == u.id
            )
        )
        for u in (user, other)
    ]
    assert totals[0] == totals[1]


@pytest.mark.parametrize(
    "bad", ["", "just,a,header\n", "Date,Exercise\n2020-01-01,Squat\n", "x" * 10]
)
def test_unrecognised_files_get_a_clear_message(db, bad):
    with pytest.raises(importing.ImportFileError):
        history.import_export(make_user(), bad)
