"""Public calculators: GET /api/v1/calc/points, /calc/e1rm and /calc/plates (JSON, no sign-in)."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Literal

from flask import jsonify, request
from pydantic import BaseModel, Field
from spectree import Response

from app.domain import plates, points, strength
from app.web.api import bp
from app.web.api.schemas import ApiError
from app.web.api.spec import spec


class BadQuery(ValueError):
    """A missing or malformed query parameter; the message names it."""


@bp.errorhandler(BadQuery)
@bp.errorhandler(points.PointsInputError)
@bp.errorhandler(strength.StrengthInputError)
def bad_request(error):
    return jsonify(error=str(error)), 400


def _number(name: str, required: bool = True) -> Decimal | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        if required:
            raise BadQuery(f"'{name}' is required")
        return None
    if len(raw) > 32:
        raise BadQuery(f"'{name}' is too long to be a number")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadQuery(f"'{name}' must be a number") from None
    if not value.is_finite():
        raise BadQuery(f"'{name}' must be a finite number")
    return value


def _choice(name: str, allowed, default: str | None = None) -> str:
    value = request.args.get(name, default)
    if value not in allowed:
        raise BadQuery(f"'{name}' must be one of: {', '.join(allowed)}")
    return value


# The documented shapes. Requests are checked by the code below (its 400s are part of the
# stable interface), so spectree only documents these (skip_validation).


class PointsQuery(BaseModel):
    formula: Literal[points.FORMULAS]
    sex: Literal["M", "F"]
    bodyweight: float = Field(ge=0, le=400, description="kg")
    total: float = Field(ge=0, le=2000, description="kg (the bench alone for event=b)")
    equipment: Literal[points.EQUIPMENT] = "classic"
    event: Literal[points.EVENTS] = "sbd"


class PointsAnswer(BaseModel):
    formula: str
    points: float


class E1rmQuery(BaseModel):
    load: float = Field(gt=0, le=1000, description="kg")
    reps: int = Field(ge=1, le=30)
    rpe: float | None = Field(None, ge=6, le=10, multiple_of=0.5, description="for formula=rpe")
    formula: Literal[strength.FORMULAS] | None = Field(
        None, description="default: rpe when rpe is given, else epley"
    )


class E1rmAnswer(BaseModel):
    formula: str
    e1rm: float | None


PlateUnit = Literal[tuple(plates.UNIT_SIZE)]


class PlatesQuery(BaseModel):
    target: float = Field(ge=0, le=1500, description="in unit")
    unit: PlateUnit = "kg"
    bar: float | None = Field(None, ge=0, le=100, description="in unit; default 20 kg / 45 lb")
    collar: float | None = Field(None, ge=0, le=10, description="one collar, in unit; default 0")
    plates: str | None = Field(
        None,
        max_length=400,
        pattern=r"^[0-9.]+:[0-9]+(,[0-9.]+:[0-9]+)*$",
        description="denomination:pairs,... (default: the common gym set for the unit)",
    )


class Loading(BaseModel):
    achieved: float
    per_side: list[float] = Field(description="Plates on each side, heaviest first")


class PlatesAnswer(BaseModel):
    unit: str
    target: float
    exact: bool
    achieved: float
    per_side: list[float]
    below: Loading | None
    above: Loading | None


def documented(query, answer):
    def decorate(view):
        return spec.validate(
            query=query,
            resp=Response(
                HTTP_200=answer,
                HTTP_400=(ApiError, "A missing or malformed parameter"),
                HTTP_429=(ApiError, "Too many requests from this address; see Retry-After"),
            ),
            tags=["calculators"],
            operation_id=view.__name__,
            skip_validation=True,
        )(view)

    return decorate


@bp.get("/calc/points")
@documented(PointsQuery, PointsAnswer)
def calc_points():
    """Points for a total (kg): formula=dots|wilks|wilks2020|ipfgl, sex=M|F, bodyweight, total."""
    formula = _choice("formula", points.FORMULAS)
    sex = _choice("sex", ("M", "F"))
    equipment = _choice("equipment", points.EQUIPMENT, "classic")
    event = _choice("event", points.EVENTS, "sbd")
    bodyweight, total = _number("bodyweight"), _number("total")
    value = points.points(formula, sex, float(bodyweight), float(total), equipment, event)
    return jsonify(formula=formula, points=value)


@bp.get("/calc/e1rm")
@documented(E1rmQuery, E1rmAnswer)
def calc_e1rm():
    """e1RM (kg) for load x reps: formula=epley|brzycki|rpe (rpe needs the rpe parameter)."""
    formula = _choice("formula", strength.FORMULAS, "rpe" if "rpe" in request.args else "epley")
    load = _number("load")
    reps = _number("reps")
    if reps != reps.to_integral_value():
        raise BadQuery("'reps' must be a whole number")
    rpe = _number("rpe", required=formula == "rpe")
    value = strength.e1rm(load, int(reps), rpe, formula=formula)
    return jsonify(formula=formula, e1rm=float(value) if math.isfinite(value) else None)


@bp.errorhandler(plates.PlateError)
def bad_plates(error):
    return jsonify(error=str(error)), 400


@bp.get("/calc/plates")
@documented(PlatesQuery, PlatesAnswer)
def calc_plates():
    """Plates per side (DESIGN.md section 7): target, unit=kg|lb, bar, collar (one collar,
    default 0), plates='denomination:pairs,...' (default: the common gym set for the unit);
    every load in ``unit``. Answers exact, achieved, per_side (heaviest first), below, above."""
    unit = _choice("unit", plates.UNIT_SIZE, "kg")
    preset = plates.PRESETS["kg-gym" if unit == "kg" else "lb-gym"]
    target = _number("target")
    bar = _number("bar", required=False)
    collar = _number("collar", required=False) or 0
    stock = _plate_list(request.args.get("plates"), preset["plates"])
    answer = plates.load(
        target,
        unit,
        preset["bar"] if bar is None else bar,
        collar,
        plates.inventory(stock, unit),
    )

    def shown(found):
        if found is None:
            return None
        return {
            "achieved": float(found.achieved_in(unit)),
            "per_side": [float(p.weight) for p in found.per_side],
        }

    best = shown(answer.best)
    return jsonify(
        unit=unit,
        target=float(target),
        exact=answer.exact,
        achieved=best["achieved"],
        per_side=best["per_side"],
        below=shown(answer.below),
        above=shown(answer.above),
    )


def _plate_list(raw: str | None, default: dict) -> dict:
    """'25:4,20:2,1.25:1' -> {'25': 4, ...}; None or empty gives ``default``."""
    if raw is None or not raw.strip():
        return default
    if len(raw) > 400:
        raise BadQuery("'plates' is too long")
    stock = {}
    for item in raw.split(","):
        denomination, _, pairs = item.strip().partition(":")
        if not denomination or not pairs.strip().isdigit():
            raise BadQuery("'plates' must look like 25:4,20:2 (denomination:pairs)")
        stock[denomination.strip()] = int(pairs)
    return stock
