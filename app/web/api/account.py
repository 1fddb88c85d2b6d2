"""The athlete in the JSON API: profile, posts (metadata), machine notes, and the export of
all their data as JSON or as CSV files in a ZIP."""

from __future__ import annotations

from datetime import datetime

from flask import make_response, url_for
from pydantic import BaseModel, Field

from app.models import MachineNote
from app.models.types import utcnow
from app.services import export, feed, machines, planner, profiles, receipts
from app.web.api import bp
from app.web.api.auth import WRITE, api_user, body, endpoint, idempotency_key, unprocessable
from app.web.api.schemas import (
    IdempotencyHeaders,
    MachineNoteIn,
    MachineNoteList,
    MachineNoteOut,
    MeetWithPlanOut,
    MeOut,
    Out,
    PageQuery,
    PostOut,
    PostPage,
    ProfileOut,
    WorkoutOut,
)
from app.web.api.training import workout_out


def me_out(user) -> MeOut:
    profile = profiles.profile_of(user)
    return MeOut.of(
        user,
        current_e1rm_kg=planner.current_e1rm(user),
        profile=ProfileOut.of(profile) if profile else None,
    )


@bp.get("/me")
@endpoint(MeOut, tags=["profile"])
def show_me():
    """Your account, athlete profile (masses in kg, height in cm) and current e1RMs."""
    return me_out(api_user())


@bp.get("/posts")
@endpoint(PostPage, tags=["posts"], query=PageQuery)
def list_posts(query: PageQuery):
    """Your lift-video posts, newest first: metadata only (the videos stay in the app)."""
    page = feed.page(api_user(), "mine", query.cursor, query.limit)
    return PostPage(items=[PostOut.of(post) for post in page.posts], next_cursor=page.next_cursor)


@bp.get("/machine-notes")
@endpoint(MachineNoteList, tags=["machine notes"])
def list_machine_notes():
    """Your machine notes, by gym, brand and model."""
    return MachineNoteList(items=[MachineNoteOut.of(n) for n in machines.mine(api_user())])


@bp.post("/machine-notes")
@endpoint(
    MachineNoteOut,
    status=201,
    scope=WRITE,
    tags=["machine notes"],
    json=MachineNoteIn,
    headers=IdempotencyHeaders,
)
def create_machine_note(json: MachineNoteIn, headers: IdempotencyHeaders):
    """Save a machine note: how a machine is set up for you (private unless is_public)."""
    user, values = api_user(), body(json).model_dump()
    key = idempotency_key(headers)
    note = receipts.existing(MachineNote, user.id, key)
    if note is None:
        try:
            note = machines.create_note(user, values, key)
        except machines.MachineError as error:
            unprocessable(error.field, str(error))
    return MachineNoteOut.of(note), 201, {"Location": url_for("api.list_machine_notes")}


# Export -----------------------------------------------------------------------------------------


class LiftEstimateOut(Out):
    id: int
    lift: str
    e1rm_kg: float
    source: str
    workout_id: int | None
    recorded_at: datetime


class CommentOut(Out):
    id: int
    post_id: int
    parent_id: int | None
    body: str
    video_seconds: float | None
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None


class MessageOut(Out):
    id: int
    conversation_id: int
    kind: str
    body: str | None
    post_id: int | None
    created_at: datetime


class GymOut(Out):
    id: int
    name: str
    unit: str = Field(description="The unit of bar, collar and plates (this gym's own)")
    bar: float
    collar: float
    plates: dict[str, int] = Field(description="Pairs of plates per denomination")


class TokenOut(Out):
    id: int
    name: str
    prefix: str
    scopes: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ExportOut(BaseModel):
    exported_at: datetime
    me: MeOut
    meets: list[MeetWithPlanOut]
    workouts: list[WorkoutOut]
    lift_estimates: list[LiftEstimateOut]
    posts: list[PostOut]
    comments: list[CommentOut]
    messages: list[MessageOut]
    machine_notes: list[MachineNoteOut]
    gyms: list[GymOut]
    api_tokens: list[TokenOut]


@bp.get("/export.json")
@endpoint(ExportOut, tags=["export"])
def export_json():
    """All your data in one JSON document."""
    data = export.collect(api_user())
    return ExportOut(
        exported_at=utcnow(),
        me=me_out(data.user),
        meets=[MeetWithPlanOut.of(m, has_plan=m.plan is not None, plan=m.plan) for m in data.meets],
        workouts=[workout_out(w) for w in data.workouts],
        lift_estimates=[LiftEstimateOut.of(e) for e in data.lift_estimates],
        posts=[PostOut.of(p) for p in data.posts],
        comments=[CommentOut.of(c) for c in data.comments],
        messages=[MessageOut.of(m) for m in data.messages],
        machine_notes=[MachineNoteOut.of(n) for n in data.machine_notes],
        gyms=[GymOut.of(g) for g in data.gyms],
        api_tokens=[TokenOut.of(t) for t in data.api_tokens],
    )


ZIP_OF_CSV = (
    "A ZIP archive (application/zip) of CSV files: one per table, and the training log in "
    "Strong's format"
)


@bp.get("/export.csv")
@endpoint((None, ZIP_OF_CSV), tags=["export"])
def export_csv():
    """All your data as CSV: a ZIP of one CSV file per table (header row of column names,
    masses in kg, times ISO 8601 UTC), plus training-log-strong.csv, the sets in the Strong
    app's format that Meetday (and other apps) import."""
    archive = export.csv_archive(export.collect(api_user()))
    response = make_response(archive)
    response.mimetype = "application/zip"
    stamp = utcnow().strftime("%Y%m%d")
    response.headers["Content-Disposition"] = f'attachment; filename="meetday-export-{stamp}.zip"'
    return response
