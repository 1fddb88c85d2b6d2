"""Resumable uploads over the tus 1.0.0 protocol, posting, media access and ranges."""

import base64
import hashlib
import io

import pytest
from sqlalchemy import select

from app.models import Post, Upload
from app.services import posts
from app.storage import storage
from tests.conftest import login, make_user, shared_file

TUS = {"Tus-Resumable": "1.0.0"}
CLIP = "deadlift_landscape_360p_garage_audio.mp4"


@pytest.fixture
def lifter(client, db):
    user = make_user("lifter@example.com", role="coach")  # coaches skip onboarding
    login(client, "lifter@example.com")
    return user


def create(client, length, name="lift.mp4"):
    meta = "filename " + base64.b64encode(name.encode()).decode()
    return client.post(
        "/media/uploads", headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": meta}
    )


def patch(client, location, offset, body, **headers):
    return client.patch(
        location,
        data=body,
        headers={
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
            **headers,
        },
    )


def test_an_upload_cut_halfway_resumes_and_stores_every_byte_once(client, lifter, db):
    data = shared_file("realdata", CLIP).read_bytes()
    created = create(client, len(data))
    assert created.status_code == 201 and created.headers["Tus-Resumable"] == "1.0.0"
    location = created.headers["Location"]
    half = len(data) // 2
    # The phone loses signal after half the file: the body stops short of its Content-Length
    cut = client.patch(
        location,
        input_stream=io.BytesIO(data[:half]),
        headers={
            **TUS,
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
            "Content-Length": str(len(data)),
        },
    )
    assert cut.status_code in (204, 400)  # a dropped body: answered or not, bytes are kept
    offset = int(client.head(location, headers=TUS).headers["Upload-Offset"])
    assert offset == half  # the server kept what arrived
    assert patch(client, location, 0, data).status_code == 409  # not from zero again
    done = patch(client, location, offset, data[offset:])
    assert done.status_code == 204 and int(done.headers["Upload-Offset"]) == len(data)
    upload = db.session.scalar(select(Upload))
    stored = storage().path(f"uploads/{upload.id}").read_bytes()
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(data).hexdigest()
    assert upload.completed_at is not None and upload.filename == "lift.mp4"


def test_tus_refusals(client, lifter, db, app):
    assert client.options("/media/uploads").headers["Tus-Version"] == "1.0.0"
    assert create(client, 0).status_code == 400
    assert create(client, app.config["MAX_UPLOAD_BYTES"] + 1).status_code == 413
    location = create(client, 10).headers["Location"]
    assert patch(client, location, 0, b"x" * 11).status_code == 413
    wrong_type = client.patch(
        location, data=b"x", headers={**TUS, "Upload-Offset": "0", "Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    client.post("/auth/sign-out")
    make_user("other@example.com", role="coach")
    login(client, "other@example.com")
    assert client.head(location, headers=TUS).status_code == 404  # not their upload


def post_video(client, db, visibility="public"):
    data = shared_file("realdata", CLIP).read_bytes()
    location = create(client, len(data)).headers["Location"]
    patch(client, location, 0, data)
    page = client.get("/feed/posts/new").get_data(as_text=True)
    import re

    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/feed/posts/new",
        data={
            "client_id": client_id,
            "upload_id": location.rsplit("/", 1)[1],
            "movement": "deadlift",
            "load": "220",
            "rpe": "8.5",
            "caption": "Hips <b>up</b>",
            "visibility": visibility,
        },
    )
    assert response.status_code == 303
    post = db.session.scalar(select(Post).order_by(Post.id.desc()))
    posts.process(post.id)  # what the media worker does
    db.session.expire_all()
    return db.session.get(Post, post.id)


def test_posting_shows_the_lift_in_the_feed_with_load_and_rpe(client, lifter, db):
    post = post_video(client, db)
    assert post.status == "ready"
    page = client.get("/feed?tab=mine").get_data(as_text=True)
    assert f'id="post-{post.id}"' in page and "220 kg" in page and "@ 8.5" in page
    assert "Hips &lt;b&gt;up&lt;/b&gt;" in page  # captions are escaped


def test_without_javascript_the_video_goes_up_with_the_form(client, lifter, db):
    """The no-JS fallback: the file is part of the multipart form (no tus)."""
    import re

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    data = shared_file("realdata", CLIP).read_bytes()
    page = client.get("/feed/posts/new").get_data(as_text=True)
    client_id = re.search(r'name="client_id" type="hidden" value="([^"]+)"', page).group(1)
    form = {
        "client_id": client_id,
        "video": FileStorage(io.BytesIO(data), "garage.mp4", content_type="video/mp4"),
        "movement": "deadlift",
        "load": "200",
        "visibility": "public",
    }
    # encoded here, in memory: the test client would spool a body this big to a temporary
    # file it never closes
    boundary, body = encode_multipart(MultiDict(form))
    response = client.post(
        "/feed/posts/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 303
    post = db.session.scalar(select(Post))
    upload = db.session.get(Upload, post.upload_id)
    assert upload.length == len(data)  # the file's bytes, not the whole form's
    if post.status == "processing":  # with Redis a worker does this; without, it ran inline
        assert posts.process(post.id) == "ready"
    db.session.expire_all()
    assert db.session.get(Post, post.id).status == "ready"


def fetch(client, url, **kwargs):
    """GET and close the response (send_file keeps the file open until closed)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def test_media_access_and_range_requests(client, lifter, db):
    public = post_video(client, db, "public")
    private = post_video(client, db, "private")
    video = f"/media/posts/{public.id}/video.mp4"
    ranged = fetch(client, video, headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.data) == 100
    assert (
        ranged.headers["Accept-Ranges"] == "bytes"
        and "max-age=31536000" in ranged.headers["Cache-Control"]
    )
    assert fetch(client, f"/media/posts/{private.id}/poster.jpg").status_code == 200  # owner
    client.post("/auth/sign-out")
    assert fetch(client, f"/media/posts/{private.id}/video.mp4").status_code == 404  # signed out
    assert fetch(client, video).status_code == 200  # public stays public
    make_user("stranger@example.com", role="coach")
    login(client, "stranger@example.com")
    for name in ("video.mp4", "poster.jpg", "poster.webp"):
        assert fetch(client, f"/media/posts/{private.id}/{name}").status_code == 404
    assert client.get(f"/feed/posts/{private.id}").status_code == 404


def test_likes_are_one_per_person_and_post(client, lifter, db):
    post = post_video(client, db)
    for _ in range(3):
        client.post(f"/feed/posts/{post.id}/like", data={"liked": "1"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).like_count == 1
    page = client.get("/feed?tab=mine").get_data(as_text=True)
    assert 'aria-pressed="true" aria-label="Unlike"' in page  # the feed shows my like
    client.post(f"/feed/posts/{post.id}/like", data={"liked": "0"})
    db.session.expire_all()
    assert db.session.get(Post, post.id).like_count == 0
    page = client.get("/feed?tab=mine").get_data(as_text=True)
    assert 'aria-pressed="false" aria-label="Like"' in page


def test_threaded_comments_with_timestamps(client, lifter, db):
    from app.models import Comment

    post = post_video(client, db)  # the clip is 15.2 s long
    first = client.post(
        f"/feed/posts/{post.id}/comments",
        data={"body": "0:03 hips rise first <script>alert(1)</script>", "client_id": "c-1"},
    )
    assert first.status_code == 303
    root = db.session.scalar(select(Comment))
    assert (root.video_seconds, root.body) == (3.0, "hips rise first <script>alert(1)</script>")
    client.post(
        f"/feed/posts/{post.id}/comments",
        data={"body": "0:03 hips rise first <script>alert(1)</script>", "client_id": "c-1"},
    )  # replay
    parent = root
    for n in range(4):  # replies to replies: the thread stops getting deeper at depth 2
        client.post(
            f"/feed/posts/{post.id}/comments",
            data={"body": f"reply {n}", "client_id": f"r-{n}", "parent_id": parent.id},
        )
        parent = db.session.scalar(select(Comment).filter_by(client_id=f"r-{n}"))
    depths = [c.depth for c in db.session.scalars(select(Comment).order_by(Comment.id))]
    assert depths == [0, 1, 2, 2, 2]
    late = client.post(
        f"/feed/posts/{post.id}/comments", data={"body": "9:59 past the end", "client_id": "c-2"}
    )
    assert late.status_code == 303
    assert db.session.scalar(select(Comment).filter_by(client_id="c-2")).video_seconds is None
    empty = client.post(f"/feed/posts/{post.id}/comments", data={"body": "  ", "client_id": "c-3"})
    assert empty.status_code == 422 and "Write something first." in empty.get_data(as_text=True)
    page = client.get(f"/feed/posts/{post.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert 'data-seek="3.0"' in page and ">0:03</button>" in page
    db.session.expire_all()
    assert db.session.get(Post, post.id).comment_count == 6


def test_only_the_author_edits_or_deletes_a_comment(client, lifter, db):
    from app.models import Comment

    post = post_video(client, db)
    client.post(f"/feed/posts/{post.id}/comments", data={"body": "nice", "client_id": "c-1"})
    comment = db.session.scalar(select(Comment))
    client.post(f"/feed/comments/{comment.id}/edit", data={"body": "0:05 nice lockout"})
    db.session.expire_all()
    assert (comment.body, comment.video_seconds) == ("nice lockout", 5.0)
    client.post("/auth/sign-out")
    make_user("other@example.com", role="coach")
    login(client, "other@example.com")
    assert client.post(f"/feed/comments/{comment.id}/edit", data={"body": "x"}).status_code == 404
    assert client.post(f"/feed/comments/{comment.id}/delete").status_code == 404
