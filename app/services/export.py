"""Everything an athlete has put into Meetday, gathered for export (the API's /export.json and
/export.csv): their account, profile, meets with plans, workouts with sets, e1RM history,
posts, comments, messages they sent, machine notes, gyms and API tokens (never a secret)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    ApiToken,
    AthleteProfile,
    Comment,
    Gym,
    LiftEstimate,
    MachineNote,
    Meet,
    Message,
    Plan,
    PlanExercise,
    PlanSession,
    Post,
    User,
    Workout,
    WorkoutSet,
)
from app.services import history

# Columns that hold a secret or its hash: never exported, not even hashed.
SECRET_COLUMNS = {"password_hash", "feed_passcode_hash", "digest"}


@dataclass(frozen=True)
class UserData:
    user: User
    profile: AthleteProfile | None
    meets: list[Meet]  # plans, sessions and exercises loaded
    workouts: list[Workout]  # sets loaded
    lift_estimates: list[LiftEstimate]
    posts: list[Post]
    comments: list[Comment]
    messages: list[Message]
    machine_notes: list[MachineNote]
    gyms: list[Gym]
    api_tokens: list[ApiToken]


def collect(user: User) -> UserData:
    """Every row of ``user``'s data, each kind oldest first (a query per kind)."""

    def rows(model, owner_column, *order, options=()):
        query = select(model).filter(owner_column == user.id).options(*options).order_by(*order)
        return list(db.session.scalars(query))

    plan_tree = (
        selectinload(Meet.plan).selectinload(Plan.sessions).selectinload(PlanSession.exercises)
    )
    return UserData(
        user=user,
        profile=db.session.scalar(select(AthleteProfile).filter_by(user_id=user.id)),
        meets=rows(Meet, Meet.user_id, Meet.meet_date, Meet.id, options=[plan_tree]),
        workouts=rows(
            Workout,
            Workout.user_id,
            Workout.started_at,
            Workout.id,
            options=[selectinload(Workout.sets)],
        ),
        lift_estimates=rows(
            LiftEstimate, LiftEstimate.user_id, LiftEstimate.recorded_at, LiftEstimate.id
        ),
        posts=rows(Post, Post.user_id, Post.created_at, Post.id),
        comments=rows(Comment, Comment.user_id, Comment.created_at, Comment.id),
        messages=rows(Message, Message.sender_id, Message.created_at, Message.id),
        machine_notes=rows(
            MachineNote, MachineNote.user_id, MachineNote.created_at, MachineNote.id
        ),
        gyms=rows(Gym, Gym.user_id, Gym.created_at, Gym.id),
        api_tokens=rows(ApiToken, ApiToken.user_id, ApiToken.created_at, ApiToken.id),
    )


def _cell(value) -> str:
    """A CSV cell: exact decimals, ISO 8601 dates and UTC times, JSON for structures."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _table_csv(model, rows) -> str:
    columns = [c for c in model.__table__.columns if c.name not in SECRET_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(c.name for c in columns)
    for row in rows:
        writer.writerow(_cell(getattr(row, c.key)) for c in columns)
    return out.getvalue()


def csv_archive(data: UserData) -> bytes:
    """A ZIP of one CSV per table (a header row of column names; masses in kg, times UTC),
    plus training-log-strong.csv: the sets in Strong's format, which Meetday imports."""
    plans = [meet.plan for meet in data.meets if meet.plan is not None]
    sessions = [session for plan in plans for session in plan.sessions]
    tables = {
        "account.csv": (User, [data.user]),
        "profile.csv": (AthleteProfile, [data.profile] if data.profile else []),
        "meets.csv": (Meet, data.meets),
        "plans.csv": (Plan, plans),
        "plan_sessions.csv": (PlanSession, sessions),
        "plan_exercises.csv": (PlanExercise, [e for s in sessions for e in s.exercises]),
        "workouts.csv": (Workout, data.workouts),
        "sets.csv": (WorkoutSet, [s for w in data.workouts for s in w.sets]),
        "lift_estimates.csv": (LiftEstimate, data.lift_estimates),
        "posts.csv": (Post, data.posts),
        "comments.csv": (Comment, data.comments),
        "messages.csv": (Message, data.messages),
        "machine_notes.csv": (MachineNote, data.machine_notes),
        "gyms.csv": (Gym, data.gyms),
        "api_tokens.csv": (ApiToken, data.api_tokens),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (model, rows) in tables.items():
            archive.writestr(name, _table_csv(model, rows))
        archive.writestr("training-log-strong.csv", history.export_csv(data.user))
    return buffer.getvalue()
