"""What the workout page shows: one card per exercise with its prescription, its logged sets
and a set form prefilled with the next set to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from flask import url_for

from app.domain import units
from app.services import planner, receipts
from app.web.onboarding.base import to_unit
from app.web.planner.forms import CompleteForm, SetForm


@dataclass
class ExerciseCard:
    key: str
    name: str
    lift: str | None
    prescriptions: list = field(default_factory=list)  # (PlanExercise, Prescribed)
    sets: list = field(default_factory=list)  # WorkoutSet
    form: SetForm | None = None


def _card_key(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def workout_context(workout, user, failed: SetForm | None = None) -> dict:
    """Template context for the workout page (``failed``: a set form that didn't validate)."""
    cards: dict[str, ExerciseCard] = {}
    plan_session = workout.plan_session
    maxes = planner.current_e1rm(user)
    if plan_session is not None:
        for exercise in plan_session.exercises:
            card = cards.setdefault(
                exercise.name, ExerciseCard(_card_key(exercise.name), exercise.name, exercise.lift)
            )
            prescribed = planner.prescribed_load(exercise, plan_session.plan, maxes, user.mass_unit)
            card.prescriptions.append((exercise, prescribed))
    for entry in workout.sets:
        cards.setdefault(
            entry.exercise, ExerciseCard(_card_key(entry.exercise), entry.exercise, entry.lift)
        ).sets.append(entry)
    for card in cards.values():
        if failed is not None and failed.exercise.data == card.name:
            card.form = failed
        else:
            card.form = _next_set_form(card, user)
        _unique_ids(card.form, card.key)
    extra = (
        failed if failed is not None and failed.exercise.data not in cards else _blank_form(user)
    )
    _unique_ids(extra, "new")
    rest_since = _utc_iso(workout.sets[-1].logged_at) if workout.sets else None
    complete_form = CompleteForm(formdata=None)
    complete_form.client_id.data = receipts.new_client_id()
    if workout.id is None:  # planned, not started: the first set starts it (offline too)
        keys = {"session_id": workout.plan_session.id, "client_id": workout.client_id}
        set_url = url_for("planner.create_session_set", **keys)
        complete_url = url_for("planner.complete_session_workout", **keys)
    else:
        set_url = url_for("planner.create_set", workout_id=workout.id)
        complete_url = url_for("planner.complete_workout", workout_id=workout.id)
    return {
        "workout": workout,
        "set_url": set_url,
        "complete_url": complete_url,
        "cards": list(cards.values()),
        "extra_form": extra,
        "rest_since": rest_since,
        "complete_form": complete_form,
        "repeat": lambda entry: repeat_values(entry, user.mass_unit),
    }


def _unique_ids(form: SetForm, key: str) -> None:
    """One set form per exercise on the page: give each its own element ids (names stay)."""
    for name in ("load", "reps", "rpe", "lift", "confirm"):
        getattr(form, name).id = f"{key}-{name}"


def _utc_iso(moment) -> str:
    """'2026-11-29T10:00:00.123Z' for the browser's Date.parse."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _next_set_form(card: ExerciseCard, user) -> SetForm:
    form = SetForm(formdata=None, mass_unit=user.mass_unit)
    form.client_id.data = receipts.new_client_id()
    form.exercise.data, form.lift.data = card.name, card.lift or ""
    done = len(card.sets)
    for exercise, prescribed in card.prescriptions:
        if done < exercise.sets:
            if prescribed.load_kg is not None:
                form.load.data = to_unit(prescribed.load_kg, user.mass_unit)
            form.reps.data, form.rpe.data = exercise.reps, exercise.rpe
            return form
        done -= exercise.sets
    if card.sets:  # past the prescription: offer the last set again
        last = card.sets[-1]
        form.load.data = to_unit(last.load_kg, user.mass_unit)
        form.reps.data, form.rpe.data = last.reps, last.rpe
    return form


def _blank_form(user) -> SetForm:
    form = SetForm(formdata=None, mass_unit=user.mass_unit)
    form.client_id.data = receipts.new_client_id()
    return form


def repeat_values(entry, unit: str) -> dict:
    """Hidden fields that log ``entry`` again (one tap), in the user's unit."""
    return {
        "exercise": entry.exercise,
        "lift": entry.lift or "",
        "load": units.plain(to_unit(entry.load_kg, unit)),
        "reps": entry.reps,
        "rpe": units.plain(entry.rpe) if entry.rpe is not None else "",
        "client_id": receipts.new_client_id(),
    }
