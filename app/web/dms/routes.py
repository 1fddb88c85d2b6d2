"""Direct messages: the inbox, a chat (kept live by polling), pinned attempts, blocking.

Live updates poll with htmx every few seconds and get 204 when nothing changed. Server-sent
events would hold one gunicorn sync worker per open chat for as long as it stays open; a
poll holds one for a few milliseconds, so a handful of workers serve many open chats.
"""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.hypermedia import render_view, wants_fragment
from app.models import User
from app.services import coach_ai, feed, messaging, planner, posts, receipts
from app.web.access import conversation_or_404
from app.web.dms import bp
from app.web.dms.forms import MessageForm, PinForm
from app.web.onboarding.base import local_today


@bp.get("")
@login_required
def index():
    return render_view(
        "dms/index.html",
        summaries=messaging.inbox(current_user),
        contacts=_contacts(),
        pins=messaging.meet_day_pins(current_user),
    )


def _contacts() -> list[User]:
    """People the user may start a conversation with: the AI coach, their coach or athletes,
    and mutual follows."""
    from sqlalchemy import and_, or_, select

    from app.models import CoachLink, Follow

    mine = select(Follow.followee_id).filter(Follow.follower_id == current_user.id)
    back = select(Follow.follower_id).filter(Follow.followee_id == current_user.id)
    coached = select(CoachLink.athlete_id).filter(CoachLink.coach_id == current_user.id)
    coaches = select(CoachLink.coach_id).filter(CoachLink.athlete_id == current_user.id)
    people = db.session.scalars(
        select(User)
        .filter(
            User.id != current_user.id,
            User.is_system.is_(False),
            or_(
                and_(User.id.in_(mine), User.id.in_(back)),
                User.id.in_(coached),
                User.id.in_(coaches),
            ),
        )
        .order_by(User.display_name)
    ).all()
    return [coach_ai.coach_user(), *people]


@bp.post("/with/<int:user_id>")
@login_required
def start(user_id: int):
    other = db.session.get(User, user_id) or abort(404)
    reason = messaging.may_message(current_user, other)
    if reason:
        flash(reason, "error")
        return redirect(url_for("dms.index"), 303)
    conversation = messaging.conversation_between(current_user, other)
    return redirect(url_for("dms.show", conversation_id=conversation.id), 303)


@bp.get("/<int:conversation_id>")
@login_required
def show(conversation_id: int):
    conversation = conversation_or_404(conversation_id)
    shown, older = messaging.messages(conversation)
    since = _position(shown[0]) if shown else None
    context = _chat(conversation, shown, older, since)
    before = feed.decode_cursor(request.args.get("before"))
    if before is not None:  # a page of older messages, above what is shown
        earlier, more = messaging.messages(conversation, before=before)
        context.update(
            earlier=earlier,
            older_cursor=feed.encode_cursor(earlier[0]) if earlier and more else None,
        )
        if wants_fragment():
            return render_view("dms/show.html", block="older", **context)
    messaging.mark_read(conversation, current_user)
    return render_view(
        "dms/show.html", **context, form=_fresh(MessageForm()), pin_form=_pin_form(conversation)
    )


@bp.get("/<int:conversation_id>/live")
@login_required
def live(conversation_id: int):
    """The live part of the chat (from ``since`` on); 204 while nothing changed."""
    conversation = conversation_or_404(conversation_id)
    if not wants_fragment():  # opened as a page: show the chat
        return redirect(url_for("dms.show", conversation_id=conversation.id), 303)
    since = feed.decode_cursor(request.args.get("since"))
    if request.args.get("sig") == messaging.signature(conversation, since):
        return "", 204
    shown, older = (
        messaging.messages(conversation, since=since)
        if since
        else (messaging.messages(conversation))
    )
    messaging.mark_read(conversation, current_user)
    return render_view("dms/show.html", block="live", **_chat(conversation, shown, older, since))


@bp.post("/<int:conversation_id>")
@login_required
def send(conversation_id: int):
    conversation = conversation_or_404(conversation_id)
    form = MessageForm()
    error = None
    if form.validate():
        try:
            _send(conversation, form)
        except (messaging.MessagingError, posts.UploadError) as fault:
            error = str(fault)
    else:
        error = next(iter(form.errors.values()))[0]
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(
            url_for("dms.show", conversation_id=conversation.id, _anchor="composer"), 303
        )
    since = feed.decode_cursor(request.form.get("since"))
    shown, older = (
        messaging.messages(conversation, since=since)
        if since
        else (messaging.messages(conversation))
    )
    if error is None:
        form = _fresh(MessageForm(formdata=None))
    return render_view(
        "dms/show.html",
        block="sent",
        status=422 if error else 200,
        **_chat(conversation, shown, older, since or (_position(shown[0]) if shown else None)),
        form=form,
        error=error,
    )


def _send(conversation, form: MessageForm) -> None:
    """Send the composer's message, with its photo or video when one was chosen."""
    if messaging.existing(current_user, form.client_id.data) is not None:
        return  # a retry: sent already
    reason = messaging.may_message(current_user, conversation.other(current_user.id))
    if reason:
        raise messaging.MessagingError(reason)
    post_id = None
    chosen = form.attachment.data
    if chosen is not None and chosen.filename:
        post_id = messaging.attach(
            current_user,
            chosen.stream,
            chosen.filename,
            request.content_length or 0,
            form.client_id.data,
        )
    messaging.send(current_user, conversation, form.body.data, form.client_id.data, post_id)


@bp.post("/<int:conversation_id>/pin")
@login_required
def pin(conversation_id: int):
    conversation = conversation_or_404(conversation_id)
    athlete = messaging.pinned_athlete(conversation, current_user)
    form = PinForm(mass_unit=athlete.mass_unit)
    if form.validate():
        try:
            attempts = messaging.parse_attempts(form.values(), athlete.mass_unit)
            messaging.pin_attempts(current_user, conversation, attempts, form.client_id.data)
        except messaging.MessagingError as fault:
            form.form_errors.append(str(fault))
        else:
            flash("Attempts pinned.", "success")
            return redirect(url_for("dms.show", conversation_id=conversation.id), 303)
    # what was typed stays, with the error next to it and the editor open
    shown, older = messaging.messages(conversation)
    since = _position(shown[0]) if shown else None
    return render_view(
        "dms/show.html",
        status=422,
        **_chat(conversation, shown, older, since),
        form=_fresh(MessageForm(formdata=None)),
        pin_form=form,
        pin_open=True,
    )


@bp.post("/<int:conversation_id>/unpin")
@login_required
def unpin(conversation_id: int):
    conversation = conversation_or_404(conversation_id)
    messaging.unpin(current_user, conversation)
    flash("Attempts unpinned. They stay in the history.", "success")
    return redirect(url_for("dms.show", conversation_id=conversation.id), 303)


@bp.post("/<int:conversation_id>/block")
@login_required
def block(conversation_id: int):
    conversation = conversation_or_404(conversation_id)
    other = conversation.other(current_user.id)
    if other.is_system:
        abort(404)
    if request.form.get("block") == "0":
        messaging.unblock(current_user, other)
        flash(f"You unblocked {other.display_name}.", "success")
    else:
        messaging.block(current_user, other)
        flash(f"You blocked {other.display_name}: neither of you can message the other.", "success")
    return redirect(url_for("dms.show", conversation_id=conversation.id), 303)


def _position(message) -> tuple:
    return message.created_at, message.id


def _fresh(form: MessageForm) -> MessageForm:
    form.client_id.data = receipts.new_client_id()
    form.body.data = ""
    return form


def _chat(conversation, shown, older, since) -> dict:
    other = conversation.other(current_user.id)
    return {
        "conversation": conversation,
        "other": other,
        "shown": shown,
        "older": older,
        "older_cursor": feed.encode_cursor(shown[0]) if shown and older else None,
        "earlier": [],
        "since": feed.encode_position(*since) if since else None,
        "sig": messaging.signature(conversation, since),
        "other_read_id": conversation.read_id(other.id),
        "pin": messaging.current_pin(conversation),
        "pin_history": messaging.pin_history(conversation),
        "blocked": messaging.has_blocked(current_user, other),
        "reason": messaging.may_message(current_user, other),
    }


def _pin_form(conversation) -> PinForm:
    """The pin form, prefilled from the current pin, else from the planner's attempt
    selection for the athlete's next meet."""
    from app.domain import units

    athlete = messaging.pinned_athlete(conversation, current_user)
    form = PinForm(formdata=None, mass_unit=athlete.mass_unit)

    def shown(kg):  # as the athlete reads it: 440.9 lb, not 440.92452436975516...
        return Decimal(units.mass_number(kg, athlete.mass_unit))

    form.client_id.data = receipts.new_client_id()
    current = messaging.current_pin(conversation)
    if current is not None:
        loads = {lift: [shown(v) for v in values] for lift, values in current.attempts.items()}
    else:
        loads = {}
        meet = planner.active_meet(athlete, local_today(athlete.time_zone or "UTC"))
        if meet is not None:
            chosen = planner.projected_attempts(
                athlete, meet, local_today(athlete.time_zone or "UTC")
            )
            loads = {lift: [shown(v) for v in a.as_tuple()] for lift, a in chosen.items()}
    for lift, values in loads.items():
        for attempt, value in zip(messaging.ATTEMPTS, values, strict=True):
            getattr(form, f"{lift}_{attempt}").data = value
    return form
