"""Training history: importing app exports (all or nothing, idempotent) and exporting as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.domain import importing
from app.extensions import db
from app.models import LiftEstimate, User, Workout, WorkoutSet
from app.services.workouts import set_e1rm

EXPORT_HEADER = (
    "Workout #",
    "Date",
    "Workout Name",
    "Duration (sec)",
    "Exercise Name",
    "Set Order",
    "Weight (kg)",
    "Reps",
    "RPE",
    "Distance (meters)",
    "Seconds",
    "Notes",
    "Workout Notes",
)


@dataclass(frozen=True)
class ImportResult:
    format: str
    workouts_added: int
    sets_added: int
    workouts_already_there: int


def import_export(user: User, text: str) -> ImportResult:
    """Import a Strong, Hevy, FitNotes or Liftosaur CSV into ``user``'s history; one commit.

    Workouts already imported from the same file (same start time and title) are skipped,
    so importing twice adds nothing. Each imported workout with a competition lift records
    that lift's e1RM at the workout's time. Raises importing.ImportFileError (nothing written).
    """
    fmt, found = importing.read(text, user.time_zone, user.mass_unit)
    client_ids = [f"import-{w.key}" for w in found]
    existing = set(
        db.session.scalars(
            select(Workout.client_id).filter(
                Workout.user_id == user.id, Workout.client_id.in_(client_ids)
            )
        )
    )
    added = sets = 0
    for item, client_id in zip(found, client_ids, strict=True):
        if client_id in existing:
            continue
        _add_workout(user, item, client_id)
        added += 1
        sets += len(item.sets)
    db.session.commit()
    return ImportResult(fmt, added, sets, len(found) - added)


def _add_workout(user: User, item: importing.ImportedWorkout, client_id: str) -> None:
    completed = None
    if item.duration_seconds:
        completed = item.started_at + timedelta(seconds=item.duration_seconds)
    workout = Workout(
        user_id=user.id,
        client_id=client_id,
        title=item.title,
        started_at=item.started_at,
        completed_at=completed or item.started_at,
        duration_seconds=item.duration_seconds,
        notes=item.notes,
        source="import",
    )
    best: dict[str, Decimal] = {}
    for position, entry in enumerate(item.sets):
        e1rm = set_e1rm(entry.load_kg, entry.reps, entry.rpe) if entry.lift else None
        workout.sets.append(
            WorkoutSet(
                user_id=user.id,
                client_id=f"{client_id[:48]}-{position}",
                position=position,
                exercise=entry.exercise,
                lift=entry.lift,
                load_kg=entry.load_kg,
                reps=entry.reps,
                rpe=entry.rpe,
                e1rm_kg=e1rm,
                logged_at=item.started_at,
            )
        )
        if e1rm and e1rm > best.get(entry.lift, Decimal(0)):
            best[entry.lift] = e1rm
    db.session.add(workout)
    db.session.flush()
    for lift, e1rm in best.items():
        db.session.add(
            LiftEstimate(
                user_id=user.id,
                lift=lift,
                e1rm_kg=e1rm,
                workout_id=workout.id,
                source=f"Imported: {item.title}",
                recorded_at=item.started_at,
            )
        )


def export_csv(user: User) -> str:
    """Every workout and set of ``user`` as CSV in Strong's kg dialect (which we import)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    workouts = db.session.scalars(
        select(Workout).filter_by(user_id=user.id).order_by(Workout.started_at, Workout.id)
    )
    tz = ZoneInfo(user.time_zone)  # Strong writes local times
    for number, workout in enumerate(workouts, start=1):
        local = workout.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        for order, entry in enumerate(workout.sets, start=1):
            writer.writerow(
                (
                    number,
                    local,
                    workout.title,
                    workout.duration_seconds or "",
                    entry.exercise,
                    order,
                    f"{entry.load_kg.normalize():f}",
                    entry.reps,
                    "" if entry.rpe is None else f"{entry.rpe.normalize():f}",
                    "",
                    "",
                    "",
                    workout.notes or "",
                )
            )
    return out.getvalue()
