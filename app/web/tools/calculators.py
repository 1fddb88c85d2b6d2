"""The Calculators page: e1RM, the RPE chart, points, and meet attempts with a warm-up ladder
and the plates for each warm-up. Every number comes from app.domain; masses are typed and
shown in the signed-in user's unit. Four GET forms on one page, so it works without JS."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import request
from flask_login import current_user, login_required

from app.domain import attempts, loading, plates, points, strength, units
from app.hypermedia import render_view
from app.web.tools import bp
from app.web.tools.calculator_forms import (
    FORMULA_LABELS,
    POINTS_LABELS,
    AttemptsForm,
    E1rmForm,
    PointsForm,
    RpeChartForm,
)

CHART_REPS = tuple(range(1, 11))
CHART_RPES = tuple(strength.MAX_RPE - Decimal("0.5") * step for step in range(9))  # 10 ... 6


@dataclass(frozen=True)
class E1rmAnswer:
    kg: Decimal
    formula: str
    others: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class RpeAnswer:
    reps: int
    rpe: Decimal
    percent: float
    rir: Decimal
    e1rm_kg: Decimal | None = None
    load_kg: Decimal | None = None
    bar_kg: Decimal | None = None  # the load rounded to what plates make


@dataclass(frozen=True)
class WarmUp:
    reps: int
    planned_kg: Decimal
    plates: plates.PlateAnswer


@dataclass(frozen=True)
class AttemptsAnswer:
    attempts: attempts.Attempts
    preset: str
    warm_ups: tuple[WarmUp, ...]
    warm_up_error: str | None
    record_ignored: bool


@bp.get("/calculators")
@login_required
def show_calculators():
    unit = current_user.mass_unit
    forms = {
        "e1rm": E1rmForm(request.args, unit),
        "rpe": RpeChartForm(request.args, unit),
        "points": PointsForm(request.args, unit),
        "attempts": AttemptsForm(request.args, unit),
    }
    e1rm = e1rm_answer(forms["e1rm"], unit)
    prefilled = prefill_from_e1rm(forms, e1rm, unit)
    return render_view(
        "tools/calculators.html",
        forms=forms,
        unit=unit,
        e1rm=e1rm,
        rpe=rpe_answer(forms["rpe"], unit),
        points=points_answer(forms["points"], unit),
        attempts=attempts_answer(forms["attempts"], unit),
        prefilled=prefilled,
        chart=[(rpe, [strength.percent_of_1rm(r, rpe) for r in CHART_REPS]) for rpe in CHART_RPES],
        chart_reps=CHART_REPS,
        formula_labels=FORMULA_LABELS,
        points_labels=POINTS_LABELS,
        presets=plates.PRESETS,
    )


def sentence(fault: Exception) -> str:
    """A domain error message as a sentence for the page: 'The opener must be ...'."""
    text = str(fault)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def e1rm_answer(form: E1rmForm, unit: str) -> E1rmAnswer | None:
    """The e1RM by the chosen formula, and by Epley and Brzycki beside it; None if not asked."""
    if not (form.submitted and form.validate()):
        return None
    load_kg, reps, formula = units.to_kg(form.load.data, unit), form.reps.data, form.formula.data
    try:
        kg = strength.e1rm(load_kg, reps, form.rpe.rpe if formula == "rpe" else None, formula)
    except strength.StrengthInputError as fault:
        form.load.errors.append(sentence(fault))
        return None
    others = []
    for other in ("epley", "brzycki"):
        if other != formula and (other == "epley" or reps <= strength.MAX_CHART_REPS):
            others.append((other, strength.e1rm(load_kg, reps, formula=other)))
    return E1rmAnswer(kg, formula, tuple(others))


def prefill_from_e1rm(forms: dict, e1rm: E1rmAnswer | None, unit: str) -> set[str]:
    """Offer a fresh e1RM to the RPE chart and the attempt planner when they are still empty."""
    if e1rm is None:
        return set()
    shown = Decimal(units.mass_number(e1rm.kg, unit))
    filled = set()
    for name, field in (("rpe", forms["rpe"].e1rm), ("attempts", forms["attempts"].projected_max)):
        if not forms[name].submitted:
            field.data = shown
            filled.add(name)
    return filled


def rpe_answer(form: RpeChartForm, unit: str) -> RpeAnswer | None:
    """%1RM and RIR for the planned reps x RPE, and the load from an e1RM or a recent set."""
    if not (form.submitted and form.validate()):
        return None
    reps, rpe = form.reps.data, form.rpe.rpe
    e1rm_kg = None
    try:
        if form.source.data == "set":
            set_kg = units.to_kg(form.set_load.data, unit)
            e1rm_kg = strength.e1rm(set_kg, form.set_reps.data, form.set_rpe.rpe, "rpe")
        elif form.e1rm.data is not None:
            e1rm_kg = units.to_kg(form.e1rm.data, unit)
        percent, rir = strength.percent_of_1rm(reps, rpe), strength.rir_from_rpe(rpe)
    except strength.StrengthInputError as fault:
        form.reps.errors.append(sentence(fault))
        return None
    if e1rm_kg is None:
        return RpeAnswer(reps, rpe, percent, rir)
    load_kg = strength.load_for(e1rm_kg, reps, rpe)
    return RpeAnswer(reps, rpe, percent, rir, e1rm_kg, load_kg, loading.loadable(load_kg, unit))


def points_answer(form: PointsForm, unit: str) -> dict[str, float] | None:
    """All four points formulas for the sex, bodyweight and total typed."""
    if not (form.submitted and form.validate()):
        return None
    bodyweight_kg = units.to_kg(form.bodyweight.data, unit)
    total_kg = units.to_kg(form.total.data, unit)
    answer = {}
    try:
        for formula in points.FORMULAS:
            answer[formula] = points.points(
                formula,
                form.sex.data,
                bodyweight_kg,
                total_kg,
                form.equipment.data,
                form.event.data,
            )
    except points.PointsInputError as fault:
        form.total.errors.append(sentence(fault))
        return None
    return answer


def attempts_answer(form: AttemptsForm, unit: str) -> AttemptsAnswer | None:
    """Attempts from the projected max, and the warm-ups to the opener on the user's plates:
    the common gym set of their unit, or the IPF discs when asked (kg only)."""
    if not (form.submitted and form.validate()):
        return None
    projected_kg = units.to_kg(form.projected_max.data, unit)
    record_kg = None if form.record.data is None else units.to_kg(form.record.data, unit)
    try:
        plan = attempts.select_attempts(
            projected_kg, form.federation.data, form.style.data, record_kg
        )
    except attempts.AttemptError as fault:
        form.projected_max.errors.append(sentence(fault))
        return None
    preset = "ipf" if unit == "kg" and form.competition.data else f"{unit}-gym"
    try:
        ladder, error = warm_ups(plan.opener, preset), None
    except (attempts.AttemptError, plates.PlateError) as fault:
        ladder, error = (), sentence(fault)
    rules = attempts.RULES[form.federation.data]
    ignored = record_kg is not None and rules.record_increment_kg is None
    return AttemptsAnswer(plan, preset, ladder, error, ignored)


def exact_kg(value, unit: str) -> Decimal:
    """A plate-set weight in kg, unrounded (units.to_kg keeps 0.1 g, and 45 lb is 20.41165665
    kg): the ladder's loads must stay exact multiples of the plates for plates.load."""
    return Decimal(value) * (units.KG_PER_LB if unit == "lb" else 1)


def warm_ups(opener_kg: Decimal, preset_key: str) -> tuple[WarmUp, ...]:
    """The warm-up ladder to ``opener_kg`` on the preset's bar, each with its plates."""
    preset = plates.PRESETS[preset_key]
    plate_unit = preset["unit"]
    bar_kg = exact_kg(preset["bar"], plate_unit)
    collar_kg = exact_kg(preset["collar"], plate_unit)
    stock = plates.inventory(preset["plates"], plate_unit)
    ladder = attempts.warm_up_ladder(
        opener_kg, bar_kg + 2 * collar_kg, exact_kg(loading.STEP[plate_unit], plate_unit)
    )
    return tuple(
        WarmUp(step.reps, step.load_kg, plates.load(step.load_kg, "kg", bar_kg, collar_kg, stock))
        for step in ladder
    )
