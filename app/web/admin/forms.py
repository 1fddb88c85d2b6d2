"""The admin's forms: a user's role."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from app.models.user import ROLES
from app.web.fields import options


class RoleForm(FlaskForm):
    role = RadioField(
        "Role",
        choices=options((role, role.capitalize()) for role in ROLES),
        validators=[InputRequired("Choose a role.")],
        description="Coaches see the athletes they coach and edit AI prompts; admins see everything.",
    )


class RetryForm(FlaskForm):
    """The Retry button of a failed job (a CSRF token, nothing else)."""
