"""Posting a lift video."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from app.models.post import MOVEMENTS
from app.web.fields import ClientIdField, MassField, MassRange, RpeField, UnitForm, options


class PostForm(UnitForm):
    client_id = ClientIdField()
    upload_id = HiddenField()
    video = FileField("Video", description="MP4 or MOV from your phone, up to 2 minutes.")
    movement = RadioField(
        "Lift",
        choices=options((m, m.capitalize()) for m in MOVEMENTS),
        default="squat",
        validators=[InputRequired("Choose the lift.")],
    )
    load = MassField(
        "Load", validators=[MassRange("1", "600", "a load")], render_kw={"inputmode": "decimal"}
    )
    rpe = RpeField("RPE", render_kw={"inputmode": "decimal", "placeholder": "e.g. 8.5"})
    caption = TextAreaField(
        "Caption",
        validators=[Length(max=500, message="Keep the caption under 500 characters.")],
        render_kw={"rows": 2},
    )
    visibility = RadioField(
        "Who can see it",
        choices=options(
            [
                ("public", "Everyone"),
                ("followers", "Followers"),
                ("coach", "My coach"),
                ("private", "Only me"),
            ]
        ),
        default="public",
        validators=[InputRequired("Choose who sees it.")],
    )

    def validate_upload_id(self, field):
        if not field.data and not (self.video.data and getattr(self.video.data, "filename", "")):
            raise ValidationError("Choose a video to upload.")
