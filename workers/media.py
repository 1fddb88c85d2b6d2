"""Media jobs (queue 'media')."""

from __future__ import annotations

from workers import app_context


def transcode_video(post_id: int) -> str:
    """Make the web rendition and poster of a post's upload; safe to run more than once."""
    from app.services import posts

    with app_context():
        return posts.process(post_id)
