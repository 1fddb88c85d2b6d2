"""Direct messages: who may write to whom, one conversation per pair, idempotent sends,
unread counts and read receipts, pinned attempts, blocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.models import AttemptPin, Block, CoachLink, Conversation, Follow, Message, User
from app.models.types import utcnow
from app.services import events

MAX_BODY = 2000
PAGE = 30
LIFTS = ("squat", "bench", "deadlift")
ATTEMPTS = ("opener", "second", "third")


class MessagingError(ValueError):
    """A message or pin that can't be sent; ``str()`` is the reason, for the user."""


def blocked(a_id: int, b_id: int) -> bool:
    """True when either user blocked the other."""
    return (
        db.session.scalar(
            select(Block.id).filter(
                or_(
                    and_(Block.blocker_id == a_id, Block.blocked_id == b_id),
                    and_(Block.blocker_id == b_id, Block.blocked_id == a_id),
                )
            )
        )
        is not None
    )


def may_message(sender: User, recipient: User) -> str | None:
    """None when ``sender`` may write to ``recipient``, else the reason they may not.

    Allowed: the AI coach and anyone; an athlete and their coach (either way); two users who
    follow each other. A block (either way) stops all of it.
    """
    if sender.id == recipient.id:
        return "You can't message yourself."
    if blocked(sender.id, recipient.id):
        return f"You can't message {recipient.display_name}."
    if sender.is_system or recipient.is_system:
        return None
    link = db.session.scalar(
        select(CoachLink.id).filter(
            or_(
                and_(CoachLink.coach_id == sender.id, CoachLink.athlete_id == recipient.id),
                and_(CoachLink.coach_id == recipient.id, CoachLink.athlete_id == sender.id),
            )
        )
    )
    if link is not None:
        return None
    follows = db.session.scalar(
        select(func.count())
        .select_from(Follow)
        .filter(
            or_(
                and_(Follow.follower_id == sender.id, Follow.followee_id == recipient.id),
                and_(Follow.follower_id == recipient.id, Follow.followee_id == sender.id),
            )
        )
    )
    if follows == 2:
        return None
    return "You can message people who follow you back, your coach and your athletes."


def conversation_between(a: User, b: User) -> Conversation:
    """The conversation of ``a`` and ``b``, created on first use. Safe under concurrency: the
    database keeps one row per ordered pair and a loser of the race reads the winner's."""
    low, high = sorted((a.id, b.id))
    query = select(Conversation).filter_by(user_low_id=low, user_high_id=high)
    found = db.session.scalar(query)
    if found is not None:
        return found
    db.session.add(Conversation(user_low_id=low, user_high_id=high))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return db.session.scalar(query)


def send(
    sender: User,
    conversation: Conversation,
    body: str | None,
    client_id: str,
    post_id: int | None = None,
    kind: str = "text",
    pin: AttemptPin | None = None,
) -> Message:
    """Add a message (committed) and return it; a repeated ``client_id`` from the same sender
    returns the first message unchanged. Raises MessagingError for an empty or too long body
    or a recipient the sender may no longer write to. A message to the AI coach records a
    'coach.reply.requested' event in the same transaction."""
    previous = _by_client_id(sender.id, client_id)
    if previous is not None:
        return previous
    text = (body or "").strip()
    if not text and post_id is None and pin is None:
        raise MessagingError("Write a message or attach a photo or video.")
    if len(text) > MAX_BODY:
        raise MessagingError(f"Messages are at most {MAX_BODY} characters.")
    recipient = conversation.other(sender.id)
    reason = may_message(sender, recipient)
    if reason:
        raise MessagingError(reason)
    message = Message(
        conversation_id=conversation.id,
        sender_id=sender.id,
        client_id=client_id,
        kind=kind,
        body=text or None,
        post_id=post_id,
        pin=pin,
        created_at=utcnow(),
    )
    db.session.add(message)
    try:
        db.session.flush()
        conversation.last_message_at = message.created_at
        _mark(conversation, sender.id, message.id)
        if recipient.is_system and kind == "text":
            events.record(
                "coach.reply.requested",
                {"message_id": message.id, "athlete_id": sender.id},
            )
        elif not recipient.is_system:
            events.record(
                "dm.message.sent",
                {"message_id": message.id, "sender_id": sender.id, "recipient_id": recipient.id},
            )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return _by_client_id(sender.id, client_id)
    events.relay_soon()
    return message


def attach(sender: User, stream, filename: str | None, length: int, client_id: str) -> int:
    """Store a photo or video for a message and hand it to the media pipeline (a post with
    visibility 'message', seen only by the two people in the chat); returns the post id.
    Idempotent by the message's ``client_id``. Checked by content, not name: raises
    posts.UploadError for anything that isn't a photo or video, empty or too large."""
    from app.domain import media
    from app.services import posts

    head = stream.read(16)
    stream.seek(0)
    if media.sniff(head) is None:
        raise posts.UploadError("That file isn't a photo or a video.")
    upload = posts.upload_whole(sender, stream, filename, length)
    details = posts.NewPost("other", None, None, None, "message")
    return posts.create_post(sender, upload, details, f"dm:{client_id}").id


def existing(sender: User, client_id: str) -> Message | None:
    """The message ``sender`` already sent with ``client_id``, if any."""
    return _by_client_id(sender.id, client_id)


def _by_client_id(sender_id: int, client_id: str) -> Message | None:
    return db.session.scalar(select(Message).filter_by(sender_id=sender_id, client_id=client_id))


def _mark(conversation: Conversation, user_id: int, message_id: int) -> None:
    if user_id == conversation.user_low_id:
        conversation.low_read_id = max(conversation.low_read_id or 0, message_id)
    else:
        conversation.high_read_id = max(conversation.high_read_id or 0, message_id)


def mark_read(conversation: Conversation, user: User) -> None:
    """Everything in the conversation so far is read by ``user`` (committed)."""
    newest = db.session.scalar(
        select(func.max(Message.id)).filter_by(conversation_id=conversation.id)
    )
    if newest and newest > conversation.read_id(user.id):
        _mark(conversation, user.id, newest)
        db.session.commit()


@dataclass(frozen=True)
class Summary:
    conversation: Conversation
    other: User
    last: Message | None
    unread: int


def inbox(user: User) -> list[Summary]:
    """The user's conversations, most recent first, with the last message and how many
    messages from the other person they have not read."""
    last = aliased(Message)
    newest = (
        select(func.max(Message.id))
        .filter(Message.conversation_id == Conversation.id)
        .correlate(Conversation)
        .scalar_subquery()
    )
    unread = (
        select(func.count(Message.id))
        .filter(
            Message.conversation_id == Conversation.id,
            Message.sender_id != user.id,
            Message.id
            > func.coalesce(
                db.case(
                    (Conversation.user_low_id == user.id, Conversation.low_read_id),
                    else_=Conversation.high_read_id,
                ),
                0,
            ),
        )
        .correlate(Conversation)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Conversation, last, unread)
        .outerjoin(last, last.id == newest)
        .options(joinedload(Conversation.user_low), joinedload(Conversation.user_high))
        .filter(or_(Conversation.user_low_id == user.id, Conversation.user_high_id == user.id))
        .order_by(Conversation.last_message_at.desc().nulls_last(), Conversation.id.desc())
    ).all()
    return [Summary(c, c.other(user.id), m, n) for c, m, n in rows]


def unread_messages(user_id):
    """SQL: how many messages from others ``user_id`` (a column or a value) has not read,
    over all their conversations (the Messages tab's count)."""
    return (
        select(func.count(Message.id))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Message.sender_id != user_id,
            or_(
                and_(Conversation.user_low_id == user_id, Message.id > Conversation.low_read_id),
                and_(Conversation.user_high_id == user_id, Message.id > Conversation.high_read_id),
            ),
        )
        .scalar_subquery()
    )


def unread_total(user: User) -> int:
    """Messages from others the user has not read, over all their conversations: counted
    when the signed-in user was loaded (web.auth), else one query."""
    if user.unread_messages is not None:
        return user.unread_messages
    return db.session.scalar(select(unread_messages(user.id)))


def messages(
    conversation: Conversation,
    before: tuple[datetime, int] | None = None,
    since: tuple[datetime, int] | None = None,
    limit: int = PAGE,
) -> tuple[list[Message], bool]:
    """Messages in (created_at, id) order, oldest first, and whether older ones exist.
    ``before``: the page just older than that position; ``since``: everything from that
    position on (inclusive, unbounded: the live part of a chat); neither: the latest page."""
    query = (
        select(Message)
        .options(
            joinedload(Message.sender), joinedload(Message.pin), joinedload(Message.attachment)
        )
        .filter(Message.conversation_id == conversation.id)
    )
    order = (Message.created_at, Message.id)
    if since is not None:
        rows = db.session.scalars(
            query.filter(tuple_(*order) >= tuple_(*since)).order_by(*order)
        ).all()
        older = bool(rows) and _exists_before(conversation, rows[0])
        return list(rows), older
    if before is not None:
        query = query.filter(tuple_(*order) < tuple_(*before))
    rows = db.session.scalars(
        query.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit + 1)
    ).all()
    return list(reversed(rows[:limit])), len(rows) > limit


def _exists_before(conversation: Conversation, message: Message) -> bool:
    return (
        db.session.scalar(
            select(Message.id)
            .filter(
                Message.conversation_id == conversation.id,
                tuple_(Message.created_at, Message.id) < (message.created_at, message.id),
            )
            .limit(1)
        )
        is not None
    )


def signature(conversation: Conversation, since: tuple[datetime, int] | None) -> str:
    """Changes whenever what a chat shows from ``since`` on changes (a new message, an
    attachment done processing, or the other side read further): the poll answers 'nothing
    new' while it stays the same."""
    from app.models import Post

    ready = func.count(Post.id).filter(Post.status != "processing")
    query = (
        select(func.count(Message.id), func.max(Message.id), ready)
        .outerjoin(Post, Post.id == Message.post_id)
        .filter(Message.conversation_id == conversation.id)
    )
    if since is not None:
        query = query.filter(tuple_(Message.created_at, Message.id) >= tuple_(*since))
    count, newest, processed = db.session.execute(query).one()
    reads = f"{conversation.low_read_id}.{conversation.high_read_id}"
    return f"{count}.{newest or 0}.{processed}.{reads}"


# Pinned attempts ---------------------------------------------------------------------------


def current_pin(conversation: Conversation) -> AttemptPin | None:
    """The pinned attempts on top of the conversation, or None (never pinned, or unpinned)."""
    latest = db.session.scalar(
        select(AttemptPin)
        .filter_by(conversation_id=conversation.id)
        .order_by(AttemptPin.id.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.unpinned_at is None else None


def pin_history(conversation: Conversation) -> list[AttemptPin]:
    """Every version pinned in this conversation, newest first."""
    return list(
        db.session.scalars(
            select(AttemptPin)
            .filter_by(conversation_id=conversation.id)
            .order_by(AttemptPin.id.desc())
        )
    )


def pinned_athlete(conversation: Conversation, by: User) -> User:
    """Whose attempts a pin in this conversation holds: the athlete of an athlete-coach pair,
    else the person pinning (their own attempts)."""
    other = conversation.other(by.id)
    if by.role == "athlete" and (other.is_coach or other.is_system):
        return by
    if by.is_coach and other.role == "athlete":
        return other
    return by


def parse_attempts(values: dict[str, str | None], unit: str) -> dict[str, list[str]]:
    """Form values '<lift>_<attempt>' (e.g. 'squat_opener') in ``unit`` -> {lift: [opener,
    second, third] in kg as decimal strings}. A lift may be left empty; a filled one needs
    three rising attempts. Raises MessagingError naming the field at fault."""
    from app.domain import units

    pinned: dict[str, list[str]] = {}
    for lift in LIFTS:
        raw = [(values.get(f"{lift}_{a}") or "").strip() for a in ATTEMPTS]
        if not any(raw):
            continue
        loads = []
        for attempt, text in zip(ATTEMPTS, raw, strict=True):
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise MessagingError(f"{lift.capitalize()} {attempt}: enter a load.") from None
            if not value.is_finite() or value <= 0 or value > 1000:
                raise MessagingError(f"{lift.capitalize()} {attempt}: enter a load in {unit}.")
            loads.append(units.to_kg(value, unit))
        if not loads[0] < loads[1] < loads[2]:
            raise MessagingError(
                f"{lift.capitalize()}: each attempt must be heavier than the last."
            )
        pinned[lift] = [f"{kg.normalize():f}" for kg in loads]
    if not pinned:
        raise MessagingError("Enter the attempts for at least one lift.")
    return pinned


def pin_attempts(
    by: User, conversation: Conversation, attempts: dict[str, list[str]], client_id: str
) -> AttemptPin:
    """Pin (or update: a new version, the old one kept) attempts on the conversation, with a
    message announcing it. Idempotent by ``client_id``."""
    previous = db.session.scalar(select(AttemptPin).filter_by(set_by_id=by.id, client_id=client_id))
    if previous is not None:
        return previous
    pin = AttemptPin(
        conversation_id=conversation.id,
        athlete_id=pinned_athlete(conversation, by).id,
        set_by_id=by.id,
        client_id=client_id,
        attempts=attempts,
    )
    db.session.add(pin)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return db.session.scalar(select(AttemptPin).filter_by(set_by_id=by.id, client_id=client_id))
    try:
        send(by, conversation, None, f"pin:{client_id}", kind="attempts", pin=pin)
    except MessagingError:
        db.session.rollback()  # no pin without its message
        raise
    return pin


def unpin(by: User, conversation: Conversation) -> None:
    """Take the current pin off the conversation (kept in the history); idempotent."""
    pin = current_pin(conversation)
    if pin is not None:
        pin.unpinned_at = utcnow()
        db.session.commit()


def meet_day_pins(user: User) -> list[tuple[AttemptPin, Conversation]]:
    """The current pins holding ``user``'s attempts, newest first (for one tap on meet day)."""
    result = []
    for summary in inbox(user):
        pin = current_pin(summary.conversation)
        if pin is not None and pin.athlete_id == user.id:
            result.append((pin, summary.conversation))
    return sorted(result, key=lambda item: item[0].id, reverse=True)


# Blocks ------------------------------------------------------------------------------------


def block(blocker: User, blocked_user: User) -> None:
    """``blocker`` stops all messages with ``blocked_user`` (idempotent)."""
    db.session.add(Block(blocker_id=blocker.id, blocked_id=blocked_user.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def unblock(blocker: User, blocked_user: User) -> None:
    db.session.execute(
        db.delete(Block).filter_by(blocker_id=blocker.id, blocked_id=blocked_user.id)
    )
    db.session.commit()


def has_blocked(blocker: User, other: User) -> bool:
    return (
        db.session.scalar(select(Block.id).filter_by(blocker_id=blocker.id, blocked_id=other.id))
        is not None
    )
