"""History: recent workouts, importing an app's CSV export, exporting everything as CSV."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select

from app.domain import importing
from app.extensions import db
from app.hypermedia import render_view
from app.models import Workout
from app.services import history
from app.web.planner import bp


class ImportForm(FlaskForm):
    export = FileField("CSV export", validators=[FileRequired("Choose the CSV file to import.")])


@bp.route("/history", methods=["GET", "POST"])
@login_required
def show_history():
    form = ImportForm()
    if form.validate_on_submit():
        raw = form.export.data.read(importing.MAX_BYTES + 1)
        try:
            result = history.import_export(current_user, raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            form.export.errors.append("That file isn't UTF-8 text: export it again as CSV.")
        except importing.ImportFileError as error:
            form.export.errors.append(f"Nothing was imported. {error}")
        else:
            flash(
                f"Imported {result.workouts_added} workouts ({result.sets_added} sets) from "
                f"{result.format.capitalize()}"
                + (
                    f"; {result.workouts_already_there} were already here."
                    if result.workouts_already_there
                    else "."
                ),
                "success",
            )
            return redirect(url_for("planner.show_history"), 303)
    workouts = db.session.scalars(
        select(Workout)
        .filter_by(user_id=current_user.id)
        .order_by(Workout.started_at.desc())
        .limit(30)
    ).all()
    return render_view(
        "planner/history.html", status=422 if form.errors else 200, form=form, workouts=workouts
    )


@bp.get("/history.csv")
@login_required
def export_history():
    return Response(
        history.export_csv(current_user),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="meetday-workouts.csv"'},
    )


@bp.get("/progress")
@login_required
def show_progress():
    from app.services import planner, progress

    return render_view(
        "planner/progress.html",
        lifts=[progress.lift_progress(current_user, lift) for lift in planner.LIFTS],
        points_now=progress.points_now(current_user),
    )
