"""Forms of the messages pages: a message, and pinned attempts (typed in the athlete's unit)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.services.messaging import ATTEMPTS, LIFTS, MAX_BODY
from app.web.fields import ClientIdField, MassField, MassRange, UnitForm


class MessageForm(FlaskForm):
    client_id = ClientIdField()
    # browsers send line breaks as CRLF: count them as one character, as the textarea does
    body = TextAreaField(
        "Message",
        validators=[Length(max=MAX_BODY)],
        filters=[lambda text: text.replace("\r\n", "\n") if text else text],
    )
    attachment = FileField("Photo or video")


class PinForm(UnitForm):
    """Opener, second and third for each lift; a lift may be left empty."""

    client_id = ClientIdField()

    def values(self) -> dict[str, str | None]:
        """'<lift>_<attempt>' -> the typed load as text (None when empty)."""
        return {
            f"{lift}_{attempt}": (
                None
                if getattr(self, f"{lift}_{attempt}").data is None
                else str(getattr(self, f"{lift}_{attempt}").data)
            )
            for lift in LIFTS
            for attempt in ATTEMPTS
        }


for _lift in LIFTS:
    for _attempt in ATTEMPTS:
        setattr(
            PinForm,
            f"{_lift}_{_attempt}",
            MassField(
                f"{_lift.capitalize()} {_attempt}",
                validators=[Optional(), MassRange("20", "600", "an attempt")],
            ),
        )
