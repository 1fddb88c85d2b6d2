"""Who may see what, in one place (posts now; feeds behind passcodes and coaches come later)."""

from __future__ import annotations

from app.models import Post, User


def can_view_post(viewer: User | None, post: Post) -> bool:
    """Owner always; a ready public post anyone, signed in or not. Followers-only and
    coach-only posts are the owner's alone until following and coaching exist."""
    if (
        viewer is not None
        and getattr(viewer, "is_authenticated", False)
        and viewer.id == post.user_id
    ):
        return True
    return post.status == "ready" and post.visibility == "public"
