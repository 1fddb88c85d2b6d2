"""Keyset pagination: 10,000 posts, many sharing a timestamp, new posts arriving mid-scroll."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from app.models import Post
from app.services import feed
from tests.conftest import make_user

BASE = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_every_post_is_seen_exactly_once(db):
    author = make_user(role="coach")
    # 10,000 posts over 1,000 distinct instants: each timestamp is shared by 10 posts
    rows = [
        {
            "user_id": author.id,
            "client_id": f"seed-{n}",
            "movement": "squat",
            "visibility": "public",
            "status": "ready",
            "attempts": 0,
            "like_count": 0,
            "created_at": BASE + timedelta(seconds=n // 10),
        }
        for n in range(10_000)
    ]
    db.session.execute(insert(Post), rows)
    db.session.commit()
    expected = set(db.session.scalars(select(Post.id)))
    seen, cursor, pages = [], None, 0
    while True:
        result = feed.page(author, "discover", cursor, limit=37)
        seen.extend(p.id for p in result.posts)
        pages += 1
        if pages % 20 == 0:  # someone posts while we scroll: newest, and at an old instant
            db.session.execute(
                insert(Post),
                [
                    {**rows[0], "client_id": f"late-{pages}-a", "created_at": datetime.now(UTC)},
                    {**rows[0], "client_id": f"late-{pages}-b", "created_at": BASE},
                ],
            )
            db.session.commit()
        if result.next_cursor is None:
            break
        cursor = result.next_cursor
    assert len(seen) == len(set(seen))  # nothing twice
    assert expected <= set(seen)  # nothing skipped
    created = [db.session.get(Post, i).created_at for i in seen[:50]]
    assert created == sorted(created, reverse=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) > 10_000


def test_a_malformed_cursor_starts_from_the_top(db):
    assert feed.decode_cursor("not-a-cursor") is None
    assert feed.decode_cursor("9" * 30 + ".1") is None
    assert feed.decode_cursor("1700000000000000.42")[1] == 42
