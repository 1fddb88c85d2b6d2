"""Threaded comments on posts, optionally pinned to a moment of the video ("0:03 hips rise")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Comment, Post, User
from app.models.types import utcnow
from app.services import receipts

MAX_DEPTH = 2  # a comment, a reply, a reply to the reply; deeper replies join the last level
MAX_LENGTH = 1000
TIMESTAMP = re.compile(r"^\s*(\d{1,2}):([0-5]\d)(?:\s+|$)")


class CommentError(ValueError):
    """A comment that can't be saved; the message is shown at the field."""


def split_timestamp(body: str, duration: float | None) -> tuple[float | None, str]:
    """('0:03 hips rise first', 9.4) -> (3.0, 'hips rise first'). A leading m:ss beyond the
    clip's length is kept as plain text."""
    match = TIMESTAMP.match(body)
    if not match:
        return None, body.strip()
    seconds = int(match.group(1)) * 60 + int(match.group(2))
    if duration is not None and seconds > duration:
        return None, body.strip()
    return float(seconds), body[match.end() :].strip()


def add(
    user: User, post: Post, body: str, client_id: str, parent: Comment | None = None
) -> Comment:
    """Save a comment (or a reply to ``parent``); the same client id returns the same comment.
    Raises CommentError for an empty or too long text or a parent on another post."""
    existing = receipts.existing(Comment, user.id, client_id)
    if existing is not None:
        return existing
    seconds, text = split_timestamp(body or "", post.duration_seconds)
    if not text:
        raise CommentError("Write something first.")
    if len(text) > MAX_LENGTH:
        raise CommentError(f"Keep comments under {MAX_LENGTH} characters.")
    if parent is not None and parent.post_id != post.id:
        raise CommentError("That reply belongs to another post.")
    if parent is not None and parent.depth >= MAX_DEPTH:
        parent = db.session.get(Comment, parent.parent_id)  # stay at the deepest level
    comment = Comment(
        post_id=post.id,
        user_id=user.id,
        client_id=client_id,
        body=text,
        video_seconds=seconds,
        parent_id=parent.id if parent else None,
        depth=(parent.depth + 1) if parent else 0,
    )
    db.session.add(comment)
    try:
        db.session.flush()
        db.session.execute(
            update(Post).filter_by(id=post.id).values(comment_count=Post.comment_count + 1)
        )
        db.session.commit()
    except IntegrityError:
        return receipts.after_conflict(Comment, user, client_id)
    return comment


def edit(comment: Comment, body: str) -> Comment:
    """Change the text of one's own comment (the timestamp may change too)."""
    post = db.session.get(Post, comment.post_id)
    seconds, text = split_timestamp(body or "", post.duration_seconds)
    if not text:
        raise CommentError("Write something first.")
    if len(text) > MAX_LENGTH:
        raise CommentError(f"Keep comments under {MAX_LENGTH} characters.")
    comment.body, comment.video_seconds, comment.edited_at = text, seconds, utcnow()
    db.session.commit()
    return comment


def delete(comment: Comment) -> None:
    """Delete one's own comment; one with replies stays as '[deleted]' so the thread holds."""
    has_replies = db.session.scalar(select(Comment.id).filter_by(parent_id=comment.id).limit(1))
    if has_replies:
        comment.deleted_at, comment.body, comment.video_seconds = utcnow(), "", None
    else:
        db.session.delete(comment)
    db.session.execute(
        update(Post).filter_by(id=comment.post_id).values(comment_count=Post.comment_count - 1)
    )
    db.session.commit()


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)


def thread(post: Post) -> list[Node]:
    """The post's comments as a tree, oldest first at each level (one query)."""
    rows = db.session.scalars(
        select(Comment).filter_by(post_id=post.id).order_by(Comment.created_at, Comment.id)
    ).all()
    nodes = {c.id: Node(c) for c in rows}
    roots = []
    for comment in rows:
        parent = nodes.get(comment.parent_id)
        (parent.replies if parent else roots).append(nodes[comment.id])
    return roots
