"""API tokens on the profile page: make one (its secret shown once), list them, revoke one."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from app.hypermedia import render_view, wants_fragment
from app.services import api_tokens, profiles, receipts
from app.web.fields import ClientIdField, options
from app.web.onboarding import bp


class TokenForm(FlaskForm):
    client_id = ClientIdField()
    name = StringField(
        "Token name",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Name the token, e.g. 'Spreadsheet'."),
            Length(max=80, message="Keep the name to 80 characters or fewer."),
        ],
        render_kw={"placeholder": "e.g. Spreadsheet", "autocomplete": "off"},
    )
    scopes = RadioField(
        "It may",
        choices=options([("read", "Read"), ("read write", "Read and write")]),
        default="read",
    )


def section(user, form: TokenForm | None = None, created=None) -> dict:
    """What the API tokens section needs: the user's tokens, a form for a new one (with a
    fresh client id) and, right after making one, ``created`` (services.api_tokens.NewToken)."""
    if form is None:
        form = TokenForm(formdata=None)
        form.client_id.data = receipts.new_client_id()
    return {"api_tokens": api_tokens.tokens_of(user), "token_form": form, "created": created}


def _page_profile():
    """(shown, profile): whether the profile page (and so this section) is there for the
    signed-in user, and the profile it shows (None for a coach who doesn't compete)."""
    profile = profiles.profile_of(current_user)
    if profile is None:
        return not current_user.needs_onboarding, None
    return profile.is_complete, profile


def _answer(status: int = 200, **extra):
    """The section alone for htmx, else the whole profile page (the secret is never cached)."""
    from app.web.onboarding.routes import profile_page

    if wants_fragment():
        response = render_view(
            "onboarding/_api_tokens.html", status=status, **section(current_user, **extra)
        )
    else:
        response = profile_page(_page_profile()[1], status=status, **extra)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api-tokens")
@login_required
def list_api_tokens():
    return redirect(url_for("onboarding.show_profile", _anchor="api-tokens"))


@bp.post("/api-tokens")
@login_required
def create_api_token():
    if not _page_profile()[0]:  # mid-onboarding: no page to show the secret on, so no token
        return redirect(url_for("onboarding.show_profile"), 303)
    form = TokenForm()
    if not form.validate():
        return _answer(422, form=form)
    try:
        created = api_tokens.create_token(
            current_user, form.name.data, form.scopes.data, form.client_id.data
        )
    except api_tokens.TokenError as error:
        getattr(form, error.field).errors = [str(error)]
        return _answer(422, form=form)
    return _answer(201 if created.secret else 200, created=created)


@bp.post("/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    if api_tokens.revoke_token(current_user, token_id) is None:
        abort(404)  # not one of theirs: as if it didn't exist
    if wants_fragment():
        return _answer()
    return redirect(url_for("onboarding.show_profile", _anchor="api-tokens"), 303)
