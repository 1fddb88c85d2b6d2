"""The coach's session editor: sets, reps, RPE and load for each planned exercise, loads in
the athlete's unit."""

from __future__ import annotations

from wtforms.validators import InputRequired, NumberRange, Optional

from app.web.fields import MassField, MassRange, RpeField, UnitForm, WholeNumberField


def session_form(session, unit: str, formdata=None) -> UnitForm:
    """A form with four fields per exercise of ``session``: ex<id>_sets, _reps, _rpe, _load."""

    class SessionForm(UnitForm):
        pass

    for ex in session.exercises:
        setattr(
            SessionForm,
            f"ex{ex.id}_sets",
            WholeNumberField(
                f"{ex.name} sets", validators=[InputRequired("Enter the sets."), NumberRange(1, 20)]
            ),
        )
        setattr(
            SessionForm,
            f"ex{ex.id}_reps",
            WholeNumberField(
                f"{ex.name} reps", validators=[InputRequired("Enter the reps."), NumberRange(1, 30)]
            ),
        )
        setattr(
            SessionForm,
            f"ex{ex.id}_rpe",
            RpeField(f"{ex.name} RPE", validators=[InputRequired("Enter the target RPE.")]),
        )
        setattr(
            SessionForm,
            f"ex{ex.id}_load",
            MassField(f"{ex.name} load", validators=[Optional(), MassRange("0", "600", "a load")]),
        )
    return SessionForm(formdata=formdata, mass_unit=unit)
