"""Onboarding steps and the profile page."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from app.hypermedia import render_view
from app.models.profile import ONBOARDING_STEPS
from app.services import planner, profiles, receipts
from app.web.onboarding import bp
from app.web.onboarding.base import local_today
from app.web.onboarding.forms import STEPS, HealthForm, MeetForm

OPEN_ENDPOINTS = {"static", "auth", "onboarding", "ops", "api", "media"}


@bp.before_app_request
def require_onboarding():
    """Athletes finish their profile before anything else (sign-out and assets stay open)."""
    endpoint = request.endpoint or ""
    if endpoint.split(".")[0] in OPEN_ENDPOINTS or endpoint == "static":
        return None
    if current_user.is_authenticated and current_user.needs_onboarding:
        return redirect(url_for("onboarding.show_step", step=_next_step(current_user.profile)))
    return None


def _next_step(profile) -> int:
    return min((profile.steps_done if profile else 0) + 1, ONBOARDING_STEPS)


def _build_form(step: int, profile, formdata=None):
    form_class = STEPS[step - 1]
    kwargs = {"mass_unit": current_user.mass_unit, "formdata": formdata, "stored": profile}
    if form_class is MeetForm:
        kwargs.update(
            sex=(profile.sex if profile else None) or "M",
            bodyweight_kg=profile.bodyweight_kg if profile else None,
            today=local_today(current_user.time_zone),
        )
    if form_class is HealthForm:
        kwargs["has_passcode"] = bool(profile and profile.feed_passcode_hash)
    return form_class(**kwargs)


@bp.get("")
@login_required
def show_profile():
    profile = profiles.profile_of(current_user)
    if profile is None and not current_user.needs_onboarding:  # a coach who doesn't compete
        return profile_page(None)
    if profile is None or not profile.is_complete:
        return redirect(url_for("onboarding.show_step", step=_next_step(profile)))
    return profile_page(profile)


def profile_page(profile, status: int = 200, **tokens_section):
    """The profile page: the athlete's ``profile``, or (None) the account of a coach who
    doesn't compete; both end with the API tokens section (``tokens_section``: see
    tokens.section)."""
    from app.services import roster
    from app.web.onboarding import tokens

    section = tokens.section(current_user, **tokens_section)
    if profile is None:
        return render_view("onboarding/account.html", status=status, **section)
    return render_view(
        "onboarding/profile.html",
        status=status,
        profile=profile,
        today=local_today(current_user.time_zone),
        coach=roster.coach_of(current_user),
        **section,
    )


@bp.route("/steps/<int:step>", methods=["GET", "POST"])
@login_required
def show_step(step: int):
    profile = profiles.profile_of(current_user)
    if (
        not 1 <= step <= ONBOARDING_STEPS
        or step > _next_step(profile)
        and not (profile and profile.is_complete)
    ):
        return redirect(url_for("onboarding.show_step", step=_next_step(profile)))
    form = _build_form(step, profile, formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.prefill(profile, current_user)
        form.client_id.data = receipts.new_client_id()
    elif form.validate():
        profile_values, user_values = form.values(current_user)
        was_complete = bool(profile and profile.is_complete)
        result = profiles.save_step(
            current_user, step, profile_values, user_values, form.client_id.data
        )
        return _after_save(step, result.profile, was_complete)
    status = 422 if request.method == "POST" else 200
    return render_view(
        "onboarding/step.html",
        block="step_form",
        status=status,
        form=form,
        step=step,
        steps=ONBOARDING_STEPS,
        profile=profile,
        editing=bool(profile and profile.is_complete),
    )


def _after_save(step: int, profile, was_complete: bool):
    if not profile.is_complete:
        return redirect(url_for("onboarding.show_step", step=step + 1), 303)
    waiting = session.pop("after_onboarding", None) if not was_complete else None
    if not was_complete and planner.plan_first_meet(
        current_user, local_today(current_user.time_zone)
    ):
        flash("Your profile is ready, and so is your plan to the meet.", "success")
        return redirect(waiting or url_for("planner.index"), 303)
    if waiting:  # e.g. the coach's invite they opened before signing up
        flash("Your profile is ready.", "success")
        return redirect(waiting, 303)
    flash("Saved." if was_complete else "Your profile is ready.", "success")
    return redirect(url_for("onboarding.show_profile"), 303)


@bp.get("/weight-classes")
@login_required
def list_weight_classes():
    """The weight-class select for the chosen federation (htmx swaps it into the meet step)."""
    profile = profiles.profile_of(current_user)
    form = _build_form(2, profile, formdata=request.args)
    if form.weight_class.data not in {choice.value for choice in form.weight_class.choices}:
        form.weight_class.data = None
    return render_view("onboarding/_weight_class.html", form=form)
