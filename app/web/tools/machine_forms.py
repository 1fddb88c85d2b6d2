"""Machine note forms: a note with its named settings, the public search (GET), and the
one-button posts (copy, delete) that carry only a client id."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from app.services import machines
from app.web.fields import ClientIdField, options

TYPE_CHOICES = options(machines.TYPE_LABELS.items())
SHOWN_SETTINGS = 6  # rows open on a new note; the rest wait behind "More settings"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _too_long(what: str, most: int) -> Length:
    return Length(max=most, message=f"Keep the {what} to {most} characters or fewer.")


class SettingForm(Form):
    """One named setting ("Seat" = "4"); a row left empty is ignored."""

    name = StringField(
        "Setting", filters=[_strip], validators=[_too_long("name", machines.MAX_SETTING_CHARS)]
    )
    value = StringField(
        "Value", filters=[_strip], validators=[_too_long("value", machines.MAX_SETTING_CHARS)]
    )

    def validate_name(self, field):
        if not field.data and self.value.data:
            raise ValidationError("Name this setting, e.g. Seat.")

    def validate_value(self, field):
        if not field.data and self.name.data:
            raise ValidationError(f"Add the value for {self.name.data}.")


class VisibilityField(RadioField):
    """Private or public; ``data`` is 'private' or 'public', read from a note's ``is_public``."""

    def __init__(self, label=None, **kwargs):
        super().__init__(
            label,
            choices=options([("private", "Only me"), ("public", "Everyone")]),
            validators=[AnyOf(["private", "public"], message="Choose who can see it.")],
            validate_choice=False,
            **kwargs,
        )

    def process_data(self, value):
        self.data = {True: "public", False: "private", None: "private"}.get(value, value)


class MachineForm(FlaskForm):
    client_id = ClientIdField()
    brand = StringField(
        "Brand",
        filters=[_strip],
        validators=[
            DataRequired("Enter the brand, e.g. Hammer Strength."),
            _too_long("brand", machines.MAX_BRAND),
        ],
        render_kw={"placeholder": "e.g. Hammer Strength", "autocomplete": "off"},
    )
    model = StringField(
        "Model",
        filters=[_strip],
        validators=[_too_long("model", machines.MAX_MODEL)],
        render_kw={"placeholder": "e.g. Plate-Loaded Hack Squat", "autocomplete": "off"},
    )
    machine_type = SelectField(
        "Type",
        choices=TYPE_CHOICES,
        default="hack_squat",
        validate_choice=False,
        validators=[AnyOf(machines.TYPE_LABELS, message="Choose a machine type from the list.")],
    )
    gym_name = StringField(
        "Gym",
        filters=[_strip],
        validators=[_too_long("gym name", machines.MAX_GYM)],
        render_kw={"placeholder": "Where it is (optional)"},
    )
    settings = FieldList(FormField(SettingForm), min_entries=machines.MAX_SETTINGS)
    notes = TextAreaField(
        "Notes",
        filters=[_strip],
        validators=[_too_long("notes", machines.MAX_NOTES)],
        render_kw={"rows": 3, "placeholder": "Cues, quirks, what the sled weighs…"},
    )
    is_public = VisibilityField(
        "Who can see it",
        default=False,
        description="Everyone: other lifters can find it in search and copy it.",
    )

    def validate_settings(self, field):
        filled = [entry for entry in field.entries if entry.form.name.data or entry.form.value.data]
        if len(filled) > machines.MAX_SETTINGS:
            raise ValidationError(f"A note holds at most {machines.MAX_SETTINGS} settings.")

    def shown_settings(self) -> int:
        """How many setting rows to show open: SHOWN_SETTINGS, or up to one past the last
        filled row (the others sit behind a disclosure)."""
        last = max(
            (
                i + 1
                for i, e in enumerate(self.settings.entries)
                if e.form.name.data or e.form.value.data
            ),
            default=0,
        )
        return min(max(SHOWN_SETTINGS, last + 1), len(self.settings.entries))

    def settings_errors(self) -> list[str]:
        """Errors about the settings as a whole (row errors sit on their rows)."""
        return [e for e in self.settings.errors if isinstance(e, str)]

    def values(self) -> dict:
        """Values for machines.create_note / update_note."""
        return {
            "brand": self.brand.data,
            "model": self.model.data,
            "machine_type": self.machine_type.data,
            "gym_name": self.gym_name.data,
            "settings": [
                {"name": e.form.name.data or "", "value": e.form.value.data or ""}
                for e in self.settings.entries
            ],
            "notes": self.notes.data,
            "is_public": self.is_public.data == "public",
        }


class NoteActionForm(FlaskForm):
    """Copy or delete: nothing but the client id minted when the button was rendered."""

    client_id = ClientIdField()


class SearchForm(FlaskForm):
    """Search public notes; a GET form (bookmarkable), every field optional."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    brand = StringField(
        "Brand",
        filters=[_strip],
        validators=[_too_long("brand", machines.MAX_BRAND)],
        render_kw={"placeholder": "e.g. Hammer", "autocomplete": "off", "enterkeyhint": "search"},
    )
    model = StringField(
        "Model",
        filters=[_strip],
        validators=[_too_long("model", machines.MAX_MODEL)],
        render_kw={"autocomplete": "off", "enterkeyhint": "search"},
    )
    machine_type = SelectField(
        "Type",
        choices=options([("", "Any type"), *machines.TYPE_LABELS.items()]),
        default="",
        validate_choice=False,
        validators=[AnyOf(["", *machines.TYPE_LABELS], message="Choose a type from the list.")],
    )
    gym = StringField(
        "Gym",
        filters=[_strip],
        validators=[_too_long("gym name", machines.MAX_GYM)],
        render_kw={"autocomplete": "off", "enterkeyhint": "search"},
    )

    def criteria(self) -> dict:
        """Keyword arguments for machines.search."""
        return {
            "brand": self.brand.data or "",
            "model": self.model.data or "",
            "machine_type": self.machine_type.data or "",
            "gym": self.gym.data or "",
        }
