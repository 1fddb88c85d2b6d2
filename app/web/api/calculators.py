"""Public calculators: GET /api/v1/calc/points and /api/v1/calc/e1rm (JSON, no sign-in)."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from flask import jsonify, request

from app.domain import points, strength
from app.web.api import bp


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


@bp.get("/calc/points")
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
