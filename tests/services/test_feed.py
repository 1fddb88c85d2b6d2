"""Keyset pagination: 10,000 posts, many sharing a timestamp, new posts arriving mid-scroll."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from app.models import Follow, Post
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


def test_a_feed_page_is_planned_once_per_connection_not_on_every_view(db):
    """PostgreSQL keeps a prepared statement's generic plan only when it costs no more than
    the custom ones; a LIMIT sent as a parameter is costed as a tenth of the table, so the
    feed query would be planned again on every page view (its planning costs more than
    running it). pg_prepared_statements (PostgreSQL 14+) counts the plans actually made."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements and plan caching are PostgreSQL's")
    author = make_user(role="coach")
    db.session.execute(
        insert(Post),
        [
            {
                "user_id": author.id,
                "client_id": f"plan-{n}",
                "movement": "bench",
                "visibility": "public",
                "status": "ready",
                "attempts": 0,
                "like_count": 0,
                "created_at": BASE + timedelta(minutes=n),
            }
            for n in range(5_000)
        ],
    )
    db.session.commit()
    db.session.execute(text("ANALYZE posts"))  # as autovacuum would: the planner sees 5,000
    db.session.commit()
    # as a read-only page runs it: one connection, autocommit (app/readonly.py)
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    db.session.execute(text("DEALLOCATE ALL"))  # a pooled connection: forget other tests' plans
    views = 20
    for _ in range(views):
        assert len(feed.page(author, "discover", None).posts) == feed.PAGE_SIZE
    generic, custom = db.session.execute(
        text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%FROM posts JOIN users%'"
        )
    ).one()
    # psycopg prepares a statement on its 5th run; PostgreSQL then tries 5 custom plans and
    # keeps the generic one from there on
    assert custom <= 5, (generic, custom)
    assert generic >= views - 5 - 5, (generic, custom)


def test_the_home_feed_shows_each_post_of_the_followed_and_the_viewer_exactly_once(db):
    """The Following tab fans in each author's newest posts (see feed._page_statement): every
    post of the people followed and of the viewer appears once, in order, across pages cut
    inside runs of equal timestamps; nobody else's posts and no followers-only post of
    someone not followed."""
    viewer = make_user(email="viewer@example.com")
    followed = [make_user(email=f"followed{n}@example.com") for n in range(3)]
    stranger = make_user(email="stranger@example.com")
    db.session.add_all(Follow(follower_id=viewer.id, followee_id=a.id) for a in followed)
    db.session.commit()
    authors = [viewer, *followed, stranger]
    rows = [
        {
            "user_id": authors[n % 5].id,
            "client_id": f"home-{n}",
            "movement": "deadlift",
            "visibility": ("public", "followers")[n % 2],
            "status": "ready",
            "attempts": 0,
            "like_count": 0,
            "created_at": BASE + timedelta(seconds=n // 7),  # 7 posts share each instant
        }
        for n in range(2_000)
    ]
    db.session.execute(insert(Post), rows)
    db.session.commit()
    shown_ids = {a.id for a in authors[:4]}
    expected = set(db.session.scalars(select(Post.id).filter(Post.user_id.in_(shown_ids))))
    seen, cursor = [], None
    while True:
        result = feed.page(viewer, "following", cursor, limit=23)
        seen.extend((p.created_at, p.id, p.user_id) for p in result.posts)
        cursor = result.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(expected) == 1_600
    assert {post_id for _, post_id, _ in seen} == expected
    assert seen == sorted(seen, key=lambda row: (row[0], row[1]), reverse=True)
    assert stranger.id not in {author for _, _, author in seen}
