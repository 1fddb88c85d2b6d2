"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from app.models.ai import AiExchange, PromptTemplate
from app.models.api_token import ApiToken
from app.models.message import AttemptPin, Block, Conversation, Message
from app.models.notification import Notification, Reminder
from app.models.outbox import OutboxEvent
from app.models.post import Comment, Follow, Like, Post, Upload
from app.models.profile import AthleteProfile
from app.models.push import PushSubscription
from app.models.receipt import WriteReceipt
from app.models.tools import Gym, MachineNote
from app.models.training import (
    LiftEstimate,
    Meet,
    Plan,
    PlanExercise,
    PlanSession,
    Workout,
    WorkoutSet,
)
from app.models.user import CoachInvite, CoachLink, LoginEvent, OidcIdentity, User

__all__ = [
    "AiExchange",
    "ApiToken",
    "AttemptPin",
    "Block",
    "Conversation",
    "Message",
    "OutboxEvent",
    "PromptTemplate",
    "AthleteProfile",
    "CoachInvite",
    "CoachLink",
    "Comment",
    "Follow",
    "Gym",
    "LiftEstimate",
    "Like",
    "LoginEvent",
    "MachineNote",
    "Meet",
    "Notification",
    "OidcIdentity",
    "Plan",
    "PlanExercise",
    "PlanSession",
    "Post",
    "PushSubscription",
    "Reminder",
    "Upload",
    "User",
    "Workout",
    "WorkoutSet",
    "WriteReceipt",
]
