"""Sign-up and sign-in forms, with the password rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from app.services.accounts import PASSWORD_MAX, PASSWORD_MIN, password_problem


def strip(value):
    return value.strip() if isinstance(value, str) else value


class PasswordRules:
    """accounts.password_problem as a form validator."""

    def __call__(self, form, field):
        email = getattr(form, "email", None)
        problem = password_problem(field.data or "", email.data if email is not None else None)
        if problem:
            raise ValidationError(problem)


class SignUpForm(FlaskForm):
    display_name = StringField(
        "Your name",
        filters=[strip],
        validators=[DataRequired("Tell us what to call you."), Length(max=80)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired("Enter your email."),
            Length(max=254),
            Email("Enter an email like name@example.com.", check_deliverability=False),
        ],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Choose a password."), PasswordRules()],
        description=f"At least {PASSWORD_MIN} characters. A short phrase works well.",
        render_kw={"autocomplete": "new-password", "minlength": PASSWORD_MIN},
    )


class SignInForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired("Enter your email."), Length(max=254)],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device", default=True)
