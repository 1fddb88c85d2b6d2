"""Reading workout history exported by Strong, Hevy, FitNotes and Liftosaur (CSV).

Pure parsing: text in, workouts out (loads in kg, times in UTC). The dialect is detected from
the header, not from English names alone (Strong localises its headers). A file with any row
that cannot be read is rejected whole with the row number, so nothing is half-imported.
Exports documented by each app (Strong "Export Data", Hevy "Export workouts", FitNotes
"Export to CSV", Liftosaur "Export history to CSV"); 1 lb = 0.45359237 kg exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from app.domain import units

MAX_BYTES = 5 * 1024 * 1024
MOVEMENTS = {  # names used by the four apps for the competition lifts -> our lifts
    "squat": {
        "squat",
        "squat (barbell)",
        "barbell squat",
        "back squat",
        "back squat (barbell)",
        "low bar squat",
        "high bar squat",
        "squat, barbell",
    },
    "bench": {
        "bench press",
        "bench press (barbell)",
        "flat barbell bench press",
        "barbell bench press",
        "bench press, barbell",
        "paused bench press",
    },
    "deadlift": {
        "deadlift",
        "deadlift (barbell)",
        "barbell deadlift",
        "sumo deadlift",
        "sumo deadlift (barbell)",
        "conventional deadlift",
        "deadlift, barbell",
    },
}
STRONG_FRENCH = {
    "Nom de l'entraînement": "Workout Name",
    "Durée": "Duration",
    "Nom de l'exercice": "Exercise Name",
    "Ordre de la série": "Set Order",
    "Poids": "Weight",
    "Réps": "Reps",
    "Secondes": "Seconds",
    "Notes d'entraînement": "Workout Notes",
}
STRONG_12 = (
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
)


class ImportFileError(ValueError):
    """The file can't be imported; the message says why (and which row)."""


@dataclass
class ImportedSet:
    exercise: str
    lift: str | None
    load_kg: Decimal
    reps: int
    rpe: Decimal | None


@dataclass
class ImportedWorkout:
    key: str  # stable id: the same workout in the same file, every time
    title: str
    started_at: datetime  # UTC
    duration_seconds: int | None
    notes: str | None
    sets: list[ImportedSet] = field(default_factory=list)


def lift_for(exercise: str) -> str | None:
    """Our lift for an exercise name from any of the apps, or None (kept by its name)."""
    name = exercise.strip().lower()
    return next((lift for lift, names in MOVEMENTS.items() if name in names), None)


def read(
    text: str, time_zone: str = "UTC", default_unit: str = "kg"
) -> tuple[str, list[ImportedWorkout]]:
    """(format name, workouts oldest first) from an export's text.

    ``time_zone`` places exports that write local times; ``default_unit`` is used where the
    export records no unit (Strong's comma dialect). Raises ImportFileError.
    """
    if len(text.encode()) > MAX_BYTES:
        raise ImportFileError("The file is larger than 5 MB.")
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if len(rows) < 2:
        raise ImportFileError("The file has no rows to import.")
    header = [h.strip() for h in rows[0]]
    reader = _detect(header)
    tz = ZoneInfo(time_zone)
    workouts: dict[str, ImportedWorkout] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ImportFileError(
                f"Row {number} has {len(row)} fields where the header has "
                f"{len(header)}: the file looks damaged (re-saved by a spreadsheet?)."
            )
        record = dict(zip(header, row, strict=True))
        try:
            reader(record, tz, default_unit, workouts)
        except (ValueError, InvalidOperation, KeyError) as error:
            raise ImportFileError(f"Row {number}: {error}") from None
    found = [w for w in workouts.values() if w.sets]
    if not found:
        raise ImportFileError("No sets with weight and reps were found in the file.")
    return reader.__name__.removeprefix("_read_"), sorted(found, key=lambda w: w.started_at)


def _detect(header: list[str]):
    names = set(header)
    if "exercise_title" in names and ({"weight_kg", "weight_lbs"} & names):
        return _read_hevy
    if "Workout DateTime" in names and "Completed Reps" in names:
        return _read_liftosaur
    if header[:2] == ["Date", "Exercise"] and any(h.startswith("Weight (") for h in header):
        return _read_fitnotes
    if "Workout #" in names and "Weight (kg)" in names:
        return _read_strong
    if "Weight Unit" in names and "Set Order" in names:
        return _read_strong
    translated = [STRONG_FRENCH.get(h, h) for h in header]
    if translated == list(STRONG_12) or (len(header) == 12 and header[0] == "Date"):
        header[:] = list(STRONG_12)  # the 12-column dialect in any language: by position
        return _read_strong
    raise ImportFileError(
        "This doesn't look like an export from Strong, Hevy, FitNotes or "
        "Liftosaur (the header row was not recognised)."
    )


def _number(raw: str, what: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    value = Decimal(raw)
    if not value.is_finite() or value < 0 or value > 10_000:
        raise ValueError(f"{what} {raw!r} is out of range")
    return value


def _reps(raw: str) -> int | None:
    value = _number(raw, "reps")
    if value is None or value == 0:
        return None
    if value != value.to_integral_value():
        raise ValueError(f"reps {raw!r} is not a whole number")
    return int(value)


def _rpe(raw: str) -> Decimal | None:
    value = _number(raw, "RPE")
    if value is not None and not 1 <= value <= 10:
        raise ValueError(f"RPE {raw!r} is outside 1-10")
    return value


def _unit(raw: str, fallback: str) -> str:
    raw = (raw or "").strip().lower()
    if raw in ("lb", "lbs"):
        return "lb"
    if raw in ("kg", "kgs"):
        return "kg"
    if not raw:
        return fallback
    raise ValueError(f"unknown weight unit {raw!r}")


def _local(text: str, formats: tuple[str, ...], tz: ZoneInfo) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(text.strip(), fmt).replace(tzinfo=tz).astimezone(UTC)
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date this importer knows")


def _duration(text: str) -> int | None:
    """'1h 18m', '35min', '264h 1m' -> seconds; None when empty or over 12 h (a timer left on)."""
    match = re.fullmatch(
        r"\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*", text or ""
    )
    if not text or not text.strip() or not match:
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total if 0 < total <= 12 * 3600 else None


def _workout(workouts, fmt, started, title, duration, notes) -> ImportedWorkout:
    key = hashlib.sha256(f"{fmt}|{started.isoformat()}|{title}".encode()).hexdigest()[:40]
    if key not in workouts:
        workouts[key] = ImportedWorkout(
            key, title[:120] or "Imported workout", started, duration, notes or None
        )
    return workouts[key]


def _add(workout: ImportedWorkout, exercise: str, load, unit: str, reps, rpe) -> None:
    load_kg = units.to_kg(load, unit) if load is not None else Decimal(0)
    workout.sets.append(ImportedSet(exercise.strip()[:80], lift_for(exercise), load_kg, reps, rpe))


def _read_strong(r: dict, tz, default_unit, workouts) -> None:
    order = r["Set Order"].strip()
    if not order.isdigit():
        return  # 'Rest Timer' and 'Note' pseudo-rows
    reps = _reps(r["Reps"])
    if reps is None:
        return  # cardio or an empty set
    started = _local(r["Date"], ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"), tz)
    if "Duration (sec)" in r:
        raw = r["Duration (sec)"].strip()
        seconds = int(Decimal(raw)) if raw else 0
        duration = seconds if 0 < seconds <= 12 * 3600 else None  # else: a timer left running
    else:
        duration = _duration(r.get("Workout Duration") or r.get("Duration") or "")
    unit = "kg" if "Weight (kg)" in r else _unit(r.get("Weight Unit", ""), default_unit)
    load = _number(r.get("Weight (kg)", r.get("Weight")), "weight")
    workout = _workout(
        workouts,
        "strong",
        started,
        r["Workout Name"].strip(),
        duration,
        r.get("Workout Notes", "").strip(),
    )
    _add(workout, r["Exercise Name"], load, unit, reps, _rpe(r.get("RPE", "")))


HEVY_DATES = ("%d %b %Y, %H:%M", "%b %d, %Y, %I:%M %p")


def _read_hevy(r: dict, tz, default_unit, workouts) -> None:
    started = _local(r["start_time"], HEVY_DATES, tz)
    ended = _local(r["end_time"], HEVY_DATES, tz)
    reps = _reps(r["reps"])
    if reps is None:
        return  # cardio rows carry distance or time only
    unit = "lb" if "weight_lbs" in r else "kg"
    load = _number(r.get("weight_lbs", r.get("weight_kg")), "weight")
    duration = int((ended - started).total_seconds())
    notes = r.get("description", "").replace("\\n", "\n").strip()
    workout = _workout(
        workouts,
        "hevy",
        started,
        r["title"].strip(),
        duration if 0 < duration <= 12 * 3600 else None,
        notes,
    )
    _add(workout, r["exercise_title"], load, unit, reps, _rpe(r.get("rpe", "")))


def _read_fitnotes(r: dict, tz, default_unit, workouts) -> None:
    column = next(h for h in r if h.startswith("Weight ("))
    unit = _unit(column[len("Weight (") : -1], default_unit)
    reps = _reps(r["Reps"])
    if reps is None:
        return
    day = datetime.strptime(r["Date"].strip(), "%Y-%m-%d") + timedelta(hours=12)  # no time: noon
    started = day.replace(tzinfo=tz).astimezone(UTC)
    workout = _workout(workouts, "fitnotes", started, "Training", None, None)
    _add(workout, r["Exercise"], _number(r[column], "weight"), unit, reps, None)


def _read_liftosaur(r: dict, tz, default_unit, workouts) -> None:
    reps = _reps(r["Completed Reps"])
    if reps is None:
        return  # planned but not logged
    started = datetime.fromisoformat(r["Workout DateTime"].strip().replace("Z", "+00:00"))
    unit = _unit(r["Completed Weight Unit"] or r["Required Weight Unit"], default_unit)
    title = " · ".join(filter(None, (r["Program"].strip(), r["Day Name"].strip())))
    workout = _workout(
        workouts, "liftosaur", started.astimezone(UTC), title, None, r.get("Notes", "").strip()
    )
    done = r.get("Completed Reps Time", "").strip()
    if done:
        finished = datetime.fromisoformat(done.replace("Z", "+00:00"))
        seconds = int((finished - workout.started_at).total_seconds())
        if 0 < seconds <= 12 * 3600:
            workout.duration_seconds = max(workout.duration_seconds or 0, seconds)
    _add(
        workout,
        r["Exercise"],
        _number(r["Completed Weight Value"], "weight"),
        unit,
        reps,
        _rpe(r["Completed RPE"]),
    )
