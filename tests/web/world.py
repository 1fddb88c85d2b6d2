"""A small world for the authorisation matrix and the form fuzzer: an athlete who owns one of
everything, her coach, and people with no claim on any of it (another athlete, another coach,
an admin).

Users are made directly (no Argon2 hashing, but for the owner's one password) and clients are
signed in by writing Flask-Login's session keys: these tests are about what a signed-in caller
may do, not about signing in.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from app.extensions import db
from app.models import (
    AthleteProfile,
    CoachLink,
    Message,
    PlanSession,
    Post,
    User,
)
from app.models.ai import TEMPLATE_NAMES
from app.models.types import utcnow
from app.services import (
    api_tokens,
    gyms,
    hashing,
    machines,
    messaging,
    planner,
    posts,
    roster,
    workouts,
)
from app.storage import storage
from app.web.onboarding.base import local_today
from tests.services.test_training import PROFILE as TRAINING_PROFILE

OWNER = "owner"  # an athlete who owns every object below
ATHLETE = "other athlete"
COACH = "owner's coach"
OTHER_COACH = "other coach"
ADMIN = "admin"
ANONYMOUS = "anonymous"
ANONYMOUS_HTMX = "anonymous (htmx)"
SIGNED_IN = (OWNER, ATHLETE, COACH, OTHER_COACH, ADMIN)
ROLES = (ANONYMOUS, ANONYMOUS_HTMX, *SIGNED_IN)
ROLE_OF = {
    OWNER: "athlete",
    ATHLETE: "athlete",
    COACH: "coach",
    OTHER_COACH: "coach",
    ADMIN: "admin",
}

# each visibility, plus a public post still being processed (its owner's alone until ready)
POST_VISIBILITIES = ("public", "followers", "coach", "private", "message", "processing")
NOTE_VISIBILITIES = ("private", "public")

PROFILE = {**TRAINING_PROFILE, "federation": "IPF"}  # enough for a plan


PASSWORD = "correct horse battery"  # the owner's, for the sign-in form


@functools.cache
def _password_hash() -> str:
    return hashing.hash_secret(PASSWORD)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class World:
    users: dict[str, User]
    meet_id: int = 0
    session_id: int = 0
    exercise_ids: list[int] = field(default_factory=list)
    workout_id: int = 0
    workout_client_id: str = ""
    set_id: int = 0
    posts: dict[str, int] = field(default_factory=dict)  # visibility -> post id
    comment_id: int = 0
    conversation_id: int = 0
    notes: dict[str, int] = field(default_factory=dict)  # visibility -> machine note id
    gym_id: int = 0
    invite_id: int = 0
    invite_code: str = ""
    upload_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)  # role -> API token secret
    token_id: int = 0  # the owner's API token
    event_id: int = 0  # an outbox event (the admin's jobs page retries it)
    job_id: str = ""  # an RQ job (ditto)

    def user(self, role: str) -> User:
        return self.users[role]


PARTS = ("training", "posts", "notes", "gym", "invite", "upload", "tokens", "jobs")
PART_OF_PARAMETER = {
    "meet_id": "training",
    "session_id": "training",
    "workout_id": "training",
    "set_id": "training",
    "client_id": "training",
    "post_id": "posts",
    "comment_id": "posts",
    "conversation_id": "posts",
    "note_id": "notes",
    "gym_id": "gym",
    "invite_id": "invite",
    "code": "invite",
    "upload_id": "upload",
    "token_id": "tokens",
    "event_id": "jobs",
    "job_id": "jobs",
}


def world_with_push(app):
    """Yield a whole world built in ``app`` with Web Push on (its routes need the keys), then
    empty the database: the body of a module-scoped fixture."""
    import pytest

    from tests.conftest import truncate_all
    from tests.push_service import vapid_settings

    with pytest.MonkeyPatch.context() as patch, app.app_context():
        for key, value in vapid_settings().items():
            patch.setitem(app.config, key, value)
        yield make_world()
        db.session.remove()
    truncate_all(app)


def make_world(parts=PARTS) -> World:
    """Commit the people and the owner's objects (only ``parts`` of them: a plan takes a
    while to build); call inside an app context."""
    world = World(users=_people())
    owner, coach = world.user(OWNER), world.user(COACH)
    db.session.add(CoachLink(coach_id=coach.id, athlete_id=owner.id))
    db.session.commit()
    if "training" in parts:
        _training(world, owner)
    if "posts" in parts:
        _posts(world, owner, coach)
        world.comment_id = _comment(world, owner)
    if "notes" in parts:
        world.notes = {visibility: _note(owner, visibility) for visibility in NOTE_VISIBILITIES}
    if "gym" in parts:
        world.gym_id = gyms.save(
            owner, "Garage", "kg", Decimal(20), Decimal(0), {"20": 4, "10": 2}, new_id()
        ).id
    if "invite" in parts:
        invite = roster.create_invite(coach)
        world.invite_id, world.invite_code = invite.id, invite.code
    if "upload" in parts:
        world.upload_id = posts.create_upload(owner, 1000, "squat.mp4").id
    if "tokens" in parts:
        for role in SIGNED_IN:
            made = api_tokens.create_token(world.user(role), "Matrix", "read write", new_id())
            world.tokens[role] = made.secret
        world.token_id = _token_id(world)
    if "jobs" in parts:
        world.event_id, world.job_id = _jobs(owner)
    return world


def _jobs(owner: User) -> tuple[int, str]:
    """An outbox event and an RQ job (a push job, not run) for the admin's Retry routes."""
    from rq.job import Job

    from app import jobs
    from app.services import events

    event = events.record("workout.completed", {"workout_id": 1, "user_id": owner.id})
    db.session.commit()
    queue = jobs.queue("default")
    job = Job.create("workers.push.send_push", args=(owner.id, {}), connection=queue.connection)
    job.save()
    return event.id, job.id


def _token_id(world: World) -> int:
    from app.models import ApiToken

    return db.session.scalar(db.select(ApiToken.id).filter_by(user_id=world.user(OWNER).id))


def _note(owner: User, visibility: str) -> int:
    values = {
        "brand": "Hammer Strength",
        "model": f"Hack squat ({visibility})",
        "machine_type": "hack_squat",
        "gym_name": "Iron Temple",
        "settings": [{"name": "Seat", "value": "4"}],
        "notes": None,
        "is_public": visibility == "public",
    }
    return machines.create_note(owner, values, new_id()).id


def _people() -> dict[str, User]:
    users = {}
    for role, kind in ROLE_OF.items():
        slug = role.replace(" ", "-").replace("'", "")
        user = User(
            email=f"{slug}-{uuid.uuid4().hex[:8]}@example.com", display_name=role.title(), role=kind
        )
        db.session.add(user)
        db.session.flush()
        # everyone has a finished profile with bests, so every page and plan can be drawn
        db.session.add(
            AthleteProfile(user_id=user.id, steps_done=5, completed_at=utcnow(), **PROFILE)
        )
        users[role] = user
    users[OWNER].password_hash = _password_hash()
    db.session.commit()
    return users


def _training(world: World, owner: User) -> None:
    today = local_today("UTC")
    values = {
        "name": "Nationals",
        "meet_date": today + timedelta(weeks=8),
        "federation": "IPF",
        "location": None,
    }
    meet = planner.save_meet(owner, values, new_id(), today).meet
    session = db.session.scalars(
        db.select(PlanSession)
        .filter(PlanSession.plan_id == meet.plan.id, PlanSession.day >= today)
        .order_by(PlanSession.day)
    ).first()
    world.meet_id, world.session_id = meet.id, session.id
    world.exercise_ids = [ex.id for ex in session.exercises]
    world.workout_client_id = new_id()
    workout = workouts.start_workout(owner, world.workout_client_id, plan_session=session)
    logged = workouts.log_set(
        owner, workout, "Squat", "squat", Decimal(150), 5, Decimal(8), new_id()
    )
    world.workout_id, world.set_id = workout.id, logged.entry.id


def _posts(world: World, owner: User, coach: User) -> None:
    conversation = messaging.conversation_between(owner, coach)
    world.conversation_id = conversation.id
    messaging.send(owner, conversation, "Openers?", new_id())
    for visibility in POST_VISIBILITIES:
        key = f"matrix/{owner.id}/{visibility}"
        media = (
            {"photo": f"{key}.jpg"}
            if visibility == "message"
            else {"video": f"{key}.mp4", "poster_webp": f"{key}.webp", "poster_jpeg": f"{key}.jpg"}
        )
        post = Post(
            user_id=owner.id,
            client_id=new_id(),
            movement="squat" if visibility != "message" else "other",
            load_kg=Decimal(180),
            visibility="public" if visibility == "processing" else visibility,
            status="processing" if visibility == "processing" else "ready",
            duration_seconds=3.0,
            width=720,
            height=1280,
            media=media,
        )
        db.session.add(post)
        for stored in media.values():
            path = storage().path(stored)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"media bytes")
        db.session.flush()
        world.posts[visibility] = post.id
        if visibility == "message":
            db.session.add(
                Message(
                    conversation_id=conversation.id,
                    sender_id=owner.id,
                    client_id=new_id(),
                    post_id=post.id,
                    created_at=utcnow(),
                )
            )
    db.session.commit()


def _comment(world: World, owner: User) -> int:
    from app.services import comments

    post = db.session.get(Post, world.posts["public"])
    return comments.add(owner, post, "0:02 hips rise first", new_id()).id


def sign_in(client, user: User | None) -> None:
    """Make ``client`` a browser signed in as ``user`` (None: signed out)."""
    if user is None:
        return
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def url_value(name: str, endpoint: str, world: World, variant=None):
    """The value of the URL parameter ``name`` of ``endpoint`` in ``world``: the owner's
    object (``variant`` picks the post or machine note by visibility)."""
    owner = world.user(OWNER)
    values = {
        "meet_id": world.meet_id,
        "session_id": world.session_id,
        "workout_id": world.workout_id,
        "set_id": world.set_id,
        "client_id": world.workout_client_id,
        "comment_id": world.comment_id,
        "conversation_id": world.conversation_id,
        "gym_id": world.gym_id,
        "invite_id": world.invite_id,
        "code": world.invite_code,
        "upload_id": world.upload_id,
        "token_id": world.token_id,
        "user_id": owner.id,
        "athlete_id": owner.id,
        "step": 1,
        "event_id": world.event_id,
        "job_id": world.job_id,
        "queue": "default",
        "filename": "icons/favicon.svg",
        "post_id": world.posts.get(variant),
        "note_id": world.notes.get(variant),
        "name": media_name(variant) if endpoint == "media.show_media" else TEMPLATE_NAMES[0],
    }
    if name not in values:
        raise LookupError(f"{endpoint}: no test value for the URL parameter <{name}>")
    return values[name]


def media_name(variant) -> str:
    return "photo.jpg" if variant == "message" else "video.mp4"
