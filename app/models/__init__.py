"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from app.models.notification import Notification, Reminder
from app.models.post import Comment, Follow, Like, Post, Upload
from app.models.profile import AthleteProfile
from app.models.receipt import WriteReceipt
from app.models.training import (
    LiftEstimate,
    Meet,
    Plan,
    PlanExercise,
    PlanSession,
    Workout,
    WorkoutSet,
)
from app.models.user import CoachLink, OidcIdentity, User

__all__ = [
    "AthleteProfile",
    "CoachLink",
    "Comment",
    "Follow",
    "LiftEstimate",
    "Like",
    "Meet",
    "Notification",
    "OidcIdentity",
    "Plan",
    "PlanExercise",
    "PlanSession",
    "Post",
    "Reminder",
    "Upload",
    "User",
    "Workout",
    "WorkoutSet",
    "WriteReceipt",
]
