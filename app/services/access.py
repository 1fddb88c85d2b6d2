"""Who may see what, in one place: every post, feed and media check goes through here."""

from __future__ import annotations

import functools

from sqlalchemy import Integer

from app.models import Post, User
from app.services import social


def can_view_post(viewer: User | None, post: Post, grants: dict[int, str] | None = None) -> bool:
    """May ``viewer`` (None when signed out) see ``post``? ``grants`` maps feed owner ids to
    passcode grants the visitor holds (signed cookies).

    The owner always may. Otherwise the post must be ready, and: 'private' is the owner's
    alone; the athlete's coach sees everything else; 'coach' is for the coach only;
    'followers' is for people who follow the author; 'public' is for everyone, except that a
    feed behind a passcode needs a follow or a valid grant first. 'message' (a photo or video
    attached to a direct message) is for the two people in that conversation only.
    """
    viewer_id = (
        viewer.id if viewer is not None and getattr(viewer, "is_authenticated", False) else None
    )
    if viewer_id == post.user_id:
        return True
    if post.visibility == "message":  # an attachment: the two people in that chat only
        return post.status == "ready" and _in_chat_with(viewer_id, post)
    if post.status != "ready" or post.visibility == "private":
        return False
    if social.coaches(viewer_id, post.user_id):
        return True
    if post.visibility == "coach":
        return False
    following = social.is_following(viewer_id, post.user_id)
    if post.visibility == "followers":
        return following
    if social.is_protected(post.user_id):
        return following or social.grant_valid(post.user_id, (grants or {}).get(post.user_id))
    return True


def _in_chat_with(viewer_id: int | None, post: Post) -> bool:
    from sqlalchemy import or_, select

    from app.extensions import db
    from app.models import Conversation, Message

    if not viewer_id:
        return False
    return (
        db.session.scalar(
            select(Message.id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .filter(
                Message.post_id == post.id,
                or_(Conversation.user_low_id == viewer_id, Conversation.user_high_id == viewer_id),
            )
            .limit(1)
        )
        is not None
    )


def visible_posts(signed_in: bool):
    """The SQL form of can_view_post, for feed queries (same rules, evaluated in the database).

    Built once per shape and reused, so a feed page does not rebuild (and re-key) the whole
    expression: the viewer and the grants come in as bound parameters at execution time,
    ``viewer_id`` (int) and ``opened`` (the feed owner ids whose passcode grants the visitor
    holds, checked in Python by social.grant_valid). Signed out (``signed_in`` false) only
    ``opened`` is used.
    """
    return _visible_posts(bool(signed_in))


@functools.cache
def _visible_posts(signed_in: bool):
    from sqlalchemy import and_, bindparam, false, or_, select

    from app.models import AthleteProfile, CoachLink, Follow

    viewer_id = bindparam("viewer_id", type_=Integer)
    opened = bindparam("opened", expanding=True, type_=Integer)
    protected = select(AthleteProfile.user_id).filter(
        AthleteProfile.feed_visibility == "passcode", AthleteProfile.feed_passcode_hash.is_not(None)
    )
    if signed_in:
        own = and_(Post.user_id == viewer_id, Post.visibility != "message")  # not in feeds
        is_followed = Post.user_id.in_(
            select(Follow.followee_id).filter(Follow.follower_id == viewer_id)
        )
        coached = Post.user_id.in_(
            select(CoachLink.athlete_id).filter(CoachLink.coach_id == viewer_id)
        )
    else:
        own = is_followed = coached = false()
    public = and_(
        Post.visibility == "public",
        or_(Post.user_id.not_in(protected), is_followed, Post.user_id.in_(opened)),
    )
    for_followers = and_(Post.visibility == "followers", is_followed)
    for_coach = and_(coached, Post.visibility != "private")
    return or_(own, and_(Post.status == "ready", or_(public, for_followers, for_coach)))


def opened_feeds(grants: dict[int, str] | None) -> list[int]:
    """The feed owners whose passcode grant (owner id -> signed token) is still valid."""
    return [owner for owner, token in (grants or {}).items() if social.grant_valid(owner, token)]
