"""Feed pages with keyset (cursor) pagination on (created_at, id), and likes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Integer,
    bindparam,
    delete,
    exists,
    false,
    or_,
    select,
    true,
    tuple_,
    union,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Follow, Like, Post, User
from app.services import access

PAGE_SIZE = 10
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# What a feed row carries: the columns a card and the API's PostOut show (not the upload's
# bookkeeping nor the media manifest, which the media routes read themselves).
FEED_COLUMNS = (
    Post.id,
    Post.user_id,
    Post.movement,
    Post.load_kg,
    Post.rpe,
    Post.caption,
    Post.visibility,
    Post.status,
    Post.error,
    Post.duration_seconds,
    Post.width,
    Post.height,
    Post.like_count,
    Post.comment_count,
    Post.created_at,
)


@dataclass(frozen=True)
class FeedPage:
    posts: list[Row]  # FEED_COLUMNS plus author_name and liked (see _page_statement)
    liked: set[int]  # ids of the posts on this page the viewer likes
    next_cursor: str | None  # None on the last page


def encode_cursor(post: Post) -> str:
    """'<microseconds since the epoch>.<id>' of the last row shown (a post, or anything with
    created_at and id, such as a message)."""
    return encode_position(post.created_at, post.id)


def encode_position(created_at: datetime, row_id: int) -> str:
    """The cursor for a (created_at, id) position: the inverse of decode_cursor."""
    micros = (created_at - EPOCH) // timedelta(microseconds=1)  # exact, no float
    return f"{micros}.{row_id}"


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
    One query whatever the page size: the posts with their authors and the viewer's likes.
    """
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    position = decode_cursor(cursor)
    fan_in = db.engine.dialect.name == "postgresql"
    statement = _page_statement(scope, viewer_id is not None, position is not None, fan_in)
    after_at, after_id = position or (None, None)
    rows = db.session.execute(
        statement,
        {
            "viewer_id": viewer_id,
            "author_id": author_id,
            "opened": access.opened_feeds(grants),
            "after_at": after_at,
            "after_id": after_id,
            "limit": limit + 1,
        },
    ).all()
    shown = rows[:limit]
    return FeedPage(
        shown,
        {post.id for post in shown if post.liked},
        encode_cursor(shown[-1]) if len(rows) > limit else None,
    )


@functools.cache
def _page_statement(scope: str, signed_in: bool, after_cursor: bool, fan_in: bool):
    """The feed query for one shape, built once; everything that varies is bound at execution
    (see page). Rows, not ORM objects (a third of the cost): FEED_COLUMNS, the author's
    ``author_name`` and whether the viewer ``liked`` it. ``fan_in``: the Following tab reads
    each author's newest posts with a LATERAL join (PostgreSQL; SQLite has none)."""
    viewer_id = bindparam("viewer_id", type_=Integer)
    liked = (
        exists().where(Like.post_id == Post.id, Like.user_id == viewer_id) if signed_in else false()
    )
    # The limit is written into the SQL (a page size is one of a few constants), not sent as a
    # parameter: PostgreSQL costs a plan with an unknown LIMIT as if it fetched a tenth of the
    # table, so a prepared feed query would never take its generic plan and would be planned
    # afresh on every page view (three times the cost of running it, measured by bench/feed.py).
    limit = bindparam("limit", type_=Integer, literal_execute=True)
    newest_first = (Post.created_at.desc(), Post.id.desc())
    shown = [access.visible_posts(signed_in)]
    if after_cursor:
        after = tuple_(
            bindparam("after_at", type_=Post.created_at.type),
            bindparam("after_id", type_=Integer),
        )
        shown.append(tuple_(Post.created_at, Post.id) < after)
    rows = select(*FEED_COLUMNS, User.display_name.label("author_name"), liked.label("liked"))
    if scope == "following" and fan_in:
        # Fan in: each author's newest posts from their own index (ix_posts_user_feed), then
        # the newest of those. Filtering one walk down the whole feed by author instead reads
        # every post in the table when the viewer follows few people or none: a new athlete's
        # home feed took 180 to 760 ms at 1,000,000 posts, and takes about 1 ms this way (2 ms
        # following 50 athletes, where the walk took 1 ms).
        authors = union(
            select(viewer_id.label("author_id")),
            select(Follow.followee_id).filter(Follow.follower_id == viewer_id),
        ).subquery("authors")
        newest = (
            select(Post.id, Post.created_at)
            .filter(Post.user_id == authors.c.author_id, *shown)
            .order_by(*newest_first)
            .limit(limit)
            .correlate(authors)  # its own posts, not the outer query's
            .lateral("newest")
        )
        page_ids = (  # the page's ids first, so only its rows are read in full
            select(newest.c.id)
            .select_from(authors)
            .join(newest, true())
            .order_by(newest.c.created_at.desc(), newest.c.id.desc())
            .limit(limit)
            .subquery("page")
        )
        query = rows.select_from(page_ids).join(Post, Post.id == page_ids.c.id)
    else:
        query = rows.select_from(Post).filter(*shown)
        if scope == "mine":
            query = query.filter(Post.user_id == viewer_id)
        elif scope == "following":
            followed = select(Follow.followee_id).filter(Follow.follower_id == viewer_id)
            query = query.filter(or_(Post.user_id == viewer_id, Post.user_id.in_(followed)))
        elif scope == "athlete":
            query = query.filter(Post.user_id == bindparam("author_id", type_=Integer))
    query = query.join(User, User.id == Post.user_id)
    return query.order_by(*newest_first).limit(limit)


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
