"""Feed pages with keyset (cursor) pagination on (created_at, id), and likes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Follow, Like, Post, User
from app.services import access

PAGE_SIZE = 10
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedPage:
    posts: list[Post]
    liked: set[int]  # ids of the posts on this page the viewer likes
    next_cursor: str | None  # None on the last page


def encode_cursor(post: Post) -> str:
    """'<microseconds since the epoch>.<id>' of the last post shown."""
    micros = (post.created_at - EPOCH) // timedelta(microseconds=1)  # exact, no float
    return f"{micros}.{post.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (created_at, id) a cursor points at; None for no or a malformed cursor."""
    if not cursor:
        return None
    micros, _, post_id = cursor.partition(".")
    if not (micros.isdigit() and post_id.isdigit()) or len(micros) > 20:
        return None
    try:
        return EPOCH + timedelta(microseconds=int(micros)), int(post_id)
    except OverflowError:
        return None


def page(
    viewer: User | None,
    scope: str,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    author_id: int | None = None,
    grants: dict[int, str] | None = None,
) -> FeedPage:
    """One page of the posts ``viewer`` may see (access.visible_posts), newest first.
    ``scope``: 'following' (people the viewer follows, and themselves), 'discover'
    (everyone), 'mine' (the viewer's own) or 'athlete' (``author_id``'s). ``grants``: the
    passcode grants the visitor holds (feed owner id -> token).

    Keyset pagination: rows strictly after the cursor in (created_at DESC, id DESC) order,
    so equal timestamps and posts added while scrolling never repeat or skip a row.
    Two queries whatever the page size: the posts with their authors, and the viewer's likes.
    """
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    query = (
        select(Post)
        .options(joinedload(Post.author))
        .filter(access.visible_posts(viewer_id, grants))
    )
    if scope == "mine":
        query = query.filter(Post.user_id == viewer_id)
    elif scope == "athlete":
        query = query.filter(Post.user_id == author_id)
    elif scope == "following":
        followed = select(Follow.followee_id).filter(Follow.follower_id == viewer_id)
        query = query.filter(or_(Post.user_id == viewer_id, Post.user_id.in_(followed)))
    position = decode_cursor(cursor)
    if position is not None:
        query = query.filter(tuple_(Post.created_at, Post.id) < tuple_(*position))
    rows = db.session.scalars(
        query.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit + 1)
    ).all()
    shown = rows[:limit]
    liked = liked_ids(viewer_id, [p.id for p in shown])
    return FeedPage(shown, liked, encode_cursor(shown[-1]) if len(rows) > limit else None)


def liked_ids(viewer_id: int | None, post_ids: list[int]) -> set[int]:
    """Which of ``post_ids`` the viewer likes (one query; empty for a signed-out viewer)."""
    if not viewer_id or not post_ids:
        return set()
    return set(
        db.session.scalars(
            select(Like.post_id).filter(Like.user_id == viewer_id, Like.post_id.in_(post_ids))
        )
    )


def toggle_like(user: User, post: Post, liked: bool) -> tuple[bool, int]:
    """Set the viewer's like on ``post`` to ``liked`` (idempotent: the database keeps one like
    per user and post) and return (liked, like count)."""
    if liked:
        try:
            db.session.add(Like(post_id=post.id, user_id=user.id))
            db.session.flush()
            db.session.execute(
                update(Post).filter_by(id=post.id).values(like_count=Post.like_count + 1)
            )
        except IntegrityError:
            db.session.rollback()  # already liked: nothing to do
    else:
        removed = db.session.execute(delete(Like).filter_by(post_id=post.id, user_id=user.id))
        if removed.rowcount:
            db.session.execute(
                update(Post).filter_by(id=post.id).values(like_count=Post.like_count - 1)
            )
    db.session.commit()
    db.session.refresh(post)
    return liked, post.like_count
