"""Sign-up and sign-in forms, with the password rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

PASSWORD_MIN = 10
PASSWORD_MAX = 128
# The most common leaked passwords that pass the length rule (NIST SP 800-63B 5.1.1.2
# asks verifiers to refuse values from breach corpuses).
COMMON_PASSWORDS = {
    "1234567890",
    "12345678910",
    "0123456789",
    "1111111111",
    "qwertyuiop",
    "password12",
    "password123",
    "password1234",
    "iloveyou12",
    "abcdefghij",
    "qwerty1234",
    "1q2w3e4r5t",
    "powerlifting",
    "deadlift123",
    "letmein123",
    "welcome123",
    "passw0rd123",
}


def strip(value):
    return value.strip() if isinstance(value, str) else value


class PasswordRules:
    """10-128 characters, not a well-known password, not the email, not one repeated key."""

    def __call__(self, form, field):
        value = field.data or ""
        if len(value) < PASSWORD_MIN:
            raise ValidationError(f"Use at least {PASSWORD_MIN} characters.")
        if len(value) > PASSWORD_MAX:
            raise ValidationError(f"Use at most {PASSWORD_MAX} characters.")
        if value.lower() in COMMON_PASSWORDS or len(set(value)) < 4:
            raise ValidationError("That password is too easy to guess. Try a short phrase.")
        email = getattr(form, "email", None)
        if email is not None and email.data and value.lower() == email.data.strip().lower():
            raise ValidationError("Your password can't be your email.")


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
