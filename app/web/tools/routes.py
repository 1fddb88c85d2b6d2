"""Gym tools: the plate calculator (server answer for no-JS and bookmarks; the page answers
as you type with static/js/plates.js, offline too)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.domain import plates
from app.hypermedia import render_view
from app.models import Gym
from app.services import gyms, receipts
from app.web.access import owned_or_404
from app.web.tools import bp
from app.web.tools.forms import DENOMINATIONS, GymForm, PlateForm, pair_field


@bp.get("")
@login_required
def index():
    return render_view("tools/index.html")


@bp.get("/plates")
@login_required
def plate_calculator():
    form = PlateForm(request.args)
    presets = {**plates.PRESETS, **gyms.as_presets(current_user)}
    form.offer(presets)
    if "unit" not in request.args:  # first visit: the user's unit and its common gym set
        form.unit.data = current_user.mass_unit
        form.preset.data = "kg-gym" if current_user.mass_unit == "kg" else "lb-gym"
    preset = presets.get(form.preset.data)
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
        presets=presets,
        gyms=gyms.of(current_user),
        gym_form=_gym_form(),
        colours=plates.IPF_COLOURS,
    )


def _gym_form() -> GymForm:
    form = GymForm(formdata=None)
    form.client_id.data = receipts.new_client_id()
    return form


@bp.post("/gyms")
@login_required
def save_gym():
    """Save the calculator's current bar, collars and plates as one of the user's gyms."""
    form = GymForm()
    calculator = PlateForm(request.form)
    calculator.offer({**plates.PRESETS, **gyms.as_presets(current_user)})
    if form.validate() and calculator.plate_unit.data in DENOMINATIONS:
        try:
            gym = gyms.save(
                current_user,
                form.name.data,
                calculator.plate_unit.data,
                calculator.bar.data if calculator.bar.data is not None else plates.Decimal(20),
                calculator.collar.data or plates.Decimal(0),
                calculator.inventory_pairs(),
                form.client_id.data,
            )
        except gyms.GymError as error:
            flash(str(error), "error")
        else:
            flash(f"Saved {gym.name}: pick it from the Plates menu.", "success")
            return redirect(
                url_for(
                    "tools.plate_calculator",
                    preset=f"gym-{gym.id}",
                    unit=gym.unit,
                    target=request.form.get("target", ""),
                ),
                303,
            )
    else:
        flash(next(iter(form.errors.values()), ["Check the gym's details."])[0], "error")
    return redirect(url_for("tools.plate_calculator"), 303)


@bp.post("/gyms/<int:gym_id>/delete")
@login_required
def delete_gym(gym_id: int):
    gym = owned_or_404(Gym, gym_id)
    gyms.delete(gym)
    flash(f"Deleted {gym.name}.", "success")
    return redirect(url_for("tools.plate_calculator"), 303)
