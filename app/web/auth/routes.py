"""Sign-up, sign-in (password or OpenID Connect) and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.extensions import limiter
from app.hypermedia import render_view
from app.models.profile import ONBOARDING_STEPS
from app.services import accounts, audit
from app.web.auth import bp, oidc
from app.web.auth.forms import SignInForm, SignUpForm


def _safe_next(default: str) -> str:
    """The ?next= target when it is a path on this site, else ``default``."""
    target = request.values.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def _start_session(user, remember: bool) -> None:
    session.clear()  # a fresh session on sign-in: no fixation of a pre-login session
    login_user(user, remember=remember)


def _record_login(user, email, method: str, success: bool) -> None:
    audit.record_login(
        user, email, method, success, ip=request.remote_addr, user_agent=request.user_agent.string
    )


def _landing(user) -> str:
    if user.needs_onboarding:
        # where they were going (e.g. a coach's invite link) waits for the profile to be done
        target = _safe_next("")
        if target:
            session["after_onboarding"] = target
        return _onboarding_url(user)
    return _safe_next(url_for("planner.index"))


def _onboarding_url(user) -> str:
    """The first onboarding step the athlete hasn't finished."""
    done = user.profile.steps_done if user.profile else 0
    return url_for("onboarding.show_step", step=min(done + 1, ONBOARDING_STEPS))


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def sign_up():
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.email.data, form.password.data, form.display_name.data)
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            _start_session(user, remember=True)
            return redirect(_landing(user), 303)
    status = 422 if form.is_submitted() else 200
    return render_view("auth/sign_up.html", status=status, form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(_landing(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        _record_login(user, form.email.data, "password", user is not None)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(_landing(user), 303)
        form.password.errors.append("That email and password don't match an account.")
    elif form.is_submitted():
        _record_login(None, form.email.data, "password", False)
    status = 422 if form.is_submitted() else 200
    return render_view("auth/sign_in.html", status=status, form=form)


@bp.post("/sign-out")
@login_required
def sign_out():
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie
    flash("You're signed out.", "info")
    return redirect(url_for("auth.sign_in"), 303)


@bp.get("/oidc/start")
def start_oidc():
    if not oidc.enabled():
        return redirect(url_for("auth.sign_in"))
    session["oidc_next"] = _safe_next("")
    try:
        return oidc.client().authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except (requests.RequestException, ValueError) as error:
        current_app.logger.warning("OIDC discovery failed: %s", error)
        return _unavailable()


@bp.get("/oidc/callback")
def oidc_callback():
    if not oidc.enabled():
        return redirect(url_for("auth.sign_in"))
    try:
        token = oidc.client().authorize_access_token()
    except MismatchingStateError:
        return _oidc_failed("This sign-in link expired or was already used. Start again.")
    except OAuthError as error:
        return _oidc_failed(f"The provider refused the sign-in ({error.error}).")
    except (requests.RequestException, ValueError) as error:
        current_app.logger.warning("OIDC token exchange failed: %s", error)
        _record_login(None, None, "oidc", False)
        return _unavailable()
    claims = token.get("userinfo") or {}
    try:
        user = accounts.sign_in_with_oidc(
            accounts.OidcClaims(
                issuer=claims.get("iss") or current_app.config["OIDC_ISSUER"],
                subject=str(claims["sub"]),
                email=claims.get("email"),
                email_verified=bool(claims.get("email_verified")),
                name=claims.get("name") or claims.get("preferred_username"),
            )
        )
    except accounts.AccountError as error:
        return _oidc_failed(str(error), email=claims.get("email"))
    _record_login(user, user.email, "oidc", True)
    next_url = session.pop("oidc_next", "")
    _start_session(user, remember=True)
    if user.needs_onboarding:
        return redirect(_onboarding_url(user), 303)
    return redirect(next_url or url_for("planner.index"), 303)


def _unavailable():
    return render_view("auth/unavailable.html", status=503)


def _oidc_failed(message: str, email: str | None = None):
    _record_login(None, email, "oidc", False)
    return render_view("auth/oidc_failed.html", status=400, message=message)
