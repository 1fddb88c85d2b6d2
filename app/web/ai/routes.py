"""The AI coach's back office: prompt templates (coaches and admins edit them; every save is
a new version) and the log of every exchange (admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.hypermedia import render_view
from app.models import AiExchange
from app.models.ai import TEMPLATE_NAMES
from app.services import prompts
from app.web.access import role_required
from app.web.ai import bp


@bp.get("/prompts")
@login_required
@role_required("coach", "admin")
def prompt_list():
    return render_view(
        "ai/prompts.html", templates=[prompts.current(name) for name in TEMPLATE_NAMES]
    )


@bp.route("/prompts/<name>", methods=["GET", "POST"])
@login_required
@role_required("coach", "admin")
def edit_prompt(name: str):
    if name not in TEMPLATE_NAMES:
        abort(404)
    error, body = None, None
    if request.method == "POST":
        body = request.form.get("body", "").replace("\r\n", "\n")
        latest = prompts.current(name).version
        try:
            saved = prompts.save_version(name, body, current_user)
        except prompts.PromptError as fault:
            error = str(fault)
        else:
            if saved.version == latest:
                flash(f"No changes: version {saved.version} stays in use.", "info")
            else:
                flash(f"Saved as version {saved.version}; the next reply uses it.", "success")
            return redirect(url_for("ai.edit_prompt", name=name), 303)
    versions = prompts.versions(name)
    return render_view(
        "ai/prompt.html",
        status=422 if error else 200,
        name=name,
        versions=versions,
        body=body if body is not None else versions[0].body,
        error=error,
    )


@bp.get("/exchanges")
@login_required
@role_required("admin")
def exchanges():
    rows = db.session.scalars(
        select(AiExchange)
        .options(joinedload(AiExchange.athlete))
        .order_by(AiExchange.id.desc())
        .limit(100)
    ).all()
    return render_view("ai/exchanges.html", exchanges=rows)
