"""Media jobs (queue 'media') queued before media went through the outbox.

Kept for one release: jobs enqueued by the previous release as ``transcode-<post id>`` (and
their retries) still find their function. New uploads are 'media.uploaded' events
(services/posts.on_media_uploaded). Remove with the migration that drops posts.queued_at."""

from __future__ import annotations

from workers import app_context


def transcode_video(post_id: int) -> str:
    """Make the web rendition and poster of a post's upload; safe to run more than once."""
    from app.services import posts

    with app_context():
        return posts.process(post_id)
