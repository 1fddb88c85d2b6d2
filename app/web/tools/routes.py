"""Gym tools: the plate calculator (server answer for no-JS and bookmarks; the page answers
as you type with static/js/plates.js, offline too)."""

from __future__ import annotations

from flask import request
from flask_login import current_user, login_required

from app.domain import plates
from app.hypermedia import render_view
from app.web.tools import bp
from app.web.tools.forms import DENOMINATIONS, PlateForm, pair_field


@bp.get("")
@login_required
def index():
    return render_view("tools/index.html")


@bp.get("/plates")
@login_required
def plate_calculator():
    form = PlateForm(request.args)
    if "unit" not in request.args:  # first visit: the user's unit and its common gym set
        form.unit.data = current_user.mass_unit
        form.preset.data = "kg-gym" if current_user.mass_unit == "kg" else "lb-gym"
    preset = plates.PRESETS.get(form.preset.data)
    if preset is not None:  # a preset sets the bar, collars and plates unless typed over
        form.plate_unit.data = preset["unit"]
        if form.bar.data is None and form.unit.data == preset["unit"]:
            form.bar.data = plates.Decimal(preset["bar"])
        if form.collar.data is None and form.unit.data == preset["unit"]:
            form.collar.data = plates.Decimal(preset["collar"])
    if form.bar.data is None:
        form.bar.data = plates.Decimal(20 if form.unit.data == "kg" else 45)
    answer, error = None, None
    if "target" in request.args and form.validate():
        try:
            answer = plates.load(
                form.target.data,
                form.unit.data,
                form.bar.data,
                form.collar.data or 0,
                plates.inventory(form.inventory_pairs(), form.plate_unit.data),
            )
        except plates.PlateError as fault:
            error = str(fault)
    for unit, names in DENOMINATIONS.items():  # show the inventory in use in the pair inputs
        stock = form.inventory_pairs() if unit == form.plate_unit.data else {}
        for name in names:
            field = getattr(form, pair_field(unit, name))
            if field.data is None:
                field.data = stock.get(name, 0)
    return render_view(
        "tools/plates.html",
        block="result",
        form=form,
        answer=answer,
        error=error,
        denominations=DENOMINATIONS,
        pair_field=pair_field,
        presets=plates.PRESETS,
        colours=plates.IPF_COLOURS,
    )
