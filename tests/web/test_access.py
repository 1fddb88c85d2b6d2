"""Who sees what: every visibility x every kind of viewer, on the feed, the post page, the
video file and the poster."""

import pytest
from sqlalchemy import select

from app.models import AthleteProfile, CoachLink, Follow, Post
from app.services import hashing, social
from app.storage import storage
from tests.conftest import login, make_user

VIEWERS = ("owner", "follower", "coach", "stranger", "signed_out")
EXPECTED = {  # visibility -> viewers who may see the post (feed not behind a passcode)
    "public": {"owner", "follower", "coach", "stranger", "signed_out"},
    "followers": {"owner", "follower", "coach"},
    "coach": {"owner", "coach"},
    "private": {"owner"},
}


@pytest.fixture
def world(db):
    owner = make_user("owner@example.com", role="coach", display_name="Owner")
    follower = make_user("follower@example.com", role="coach")
    make_user("stranger@example.com", role="coach")
    coach = make_user("coach@example.com", role="coach")
    db.session.add(Follow(follower_id=follower.id, followee_id=owner.id))
    db.session.add(CoachLink(coach_id=coach.id, athlete_id=owner.id))
    posts = {}
    for visibility in EXPECTED:
        post = Post(
            user_id=owner.id,
            client_id=f"p-{visibility}",
            movement="squat",
            visibility=visibility,
            status="ready",
            duration_seconds=3.0,
            media={
                "video": f"test/{visibility}.mp4",
                "poster_webp": f"test/{visibility}.webp",
                "poster_jpeg": f"test/{visibility}.jpg",
            },
        )
        db.session.add(post)
        for key in post.media.values():
            path = storage().path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"media bytes")
        posts[visibility] = post
    db.session.commit()
    return owner, posts


def sees(client, post, tab="discover"):
    """(feed lists it, post page 200, video 200, poster 200) for the client's viewer."""
    feed = client.get(f"/feed?tab={tab}")
    listed = feed.status_code == 200 and f'id="post-{post.id}"' in feed.get_data(as_text=True)
    page = client.get(f"/feed/posts/{post.id}").status_code == 200
    files = []
    for name in ("video.mp4", "poster.jpg"):
        response = client.get(f"/media/posts/{post.id}/{name}")
        response.close()
        files.append(response.status_code == 200)
    return listed, page, *files


def as_viewer(client, viewer):
    if viewer != "signed_out":
        login(client, f"{viewer}@example.com")


@pytest.mark.parametrize("visibility", list(EXPECTED))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_visibility_matrix(client, world, viewer, visibility):
    owner, posts = world
    as_viewer(client, viewer)
    listed, page, video, poster = sees(
        client, posts[visibility], tab="following" if viewer == "follower" else "discover"
    )
    allowed = viewer in EXPECTED[visibility]
    assert (video, poster) == (allowed, allowed)
    if viewer != "signed_out":  # pages need an account; files don't for public posts
        assert (listed, page) == (allowed, allowed)


@pytest.fixture
def protected(world, db):
    owner, posts = world
    profile = AthleteProfile(
        user_id=owner.id,
        feed_visibility="passcode",
        feed_passcode_hash=hashing.hash_secret("chalk-bucket"),
    )
    db.session.add(profile)
    db.session.commit()
    return owner, posts["public"], profile


def test_a_passcode_feed_needs_a_grant_that_expires_and_dies_with_the_passcode(
    client, protected, db, monkeypatch
):
    owner, post, profile = protected
    login(client, "stranger@example.com")
    assert sees(client, post) == (False, False, False, False)
    wrong = client.post(f"/feed/athletes/{owner.id}/passcode", data={"passcode": "guess"})
    assert wrong.status_code == 303 and sees(client, post)[2] is False
    client.post(f"/feed/athletes/{owner.id}/passcode", data={"passcode": "chalk-bucket"})
    assert sees(client, post) == (True, True, True, True)  # the grant opens this feed only
    monkeypatch.setattr(social, "GRANT_SECONDS", -1)  # time passes: the grant has expired
    assert sees(client, post) == (False, False, False, False)
    monkeypatch.undo()
    assert sees(client, post)[2] is True
    profile.feed_passcode_hash = hashing.hash_secret("new-passcode")  # owner changes it
    db.session.commit()
    assert sees(client, post) == (False, False, False, False)


def test_following_a_passcode_feed_needs_the_passcode_first(client, protected, db):
    owner, post, _ = protected
    login(client, "stranger@example.com")
    client.post(f"/feed/athletes/{owner.id}/follow", data={"follow": "1"})
    stranger = db.session.scalar(
        select(Follow)
        .filter_by(followee_id=owner.id)
        .filter(Follow.follower_id != owner.id)
        .offset(1)
    )
    assert stranger is None  # only the fixture's follower follows
    client.post(f"/feed/athletes/{owner.id}/passcode", data={"passcode": "chalk-bucket"})
    client.post(f"/feed/athletes/{owner.id}/follow", data={"follow": "1"})
    assert db.session.scalar(select(Follow).filter_by(followee_id=owner.id).offset(1)) is not None


def test_wrong_passcodes_are_rate_limited(rate_limited, protected, db):
    owner, _, _ = protected
    client = rate_limited.test_client()
    login(client, "stranger@example.com")
    answers = [
        client.post(f"/feed/athletes/{owner.id}/passcode", data={"passcode": f"no{n}"}).status_code
        for n in range(6)
    ]
    assert answers == [303] * 5 + [429]
