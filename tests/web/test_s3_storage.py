"""Media in S3-compatible object storage (a real S3 API served by moto on a local port)."""

import base64

import pytest
import requests
from sqlalchemy import select

from app.models import Post, Upload, User
from app.services import posts
from tests.conftest import login, make_user, shared_file
from tests.oidc import closed_port

BUCKET = "meetday-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = closed_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_app(app_factory, s3_endpoint, monkeypatch):
    import boto3

    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield app_factory(S3_BUCKET=BUCKET, S3_ENDPOINT_URL=s3_endpoint, S3_REGION="us-east-1")
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    client.close()


def test_upload_process_and_serve_through_s3(s3_app, db):
    client = s3_app.test_client()
    make_user("s3@example.com", role="coach")
    login(client, "s3@example.com")
    data = shared_file("realdata", "deadlift_landscape_360p_garage_audio.mp4").read_bytes()
    meta = "filename " + base64.b64encode(b"lift.mp4").decode()
    location = client.post(
        "/media/uploads",
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Length": str(len(data)),
            "Upload-Metadata": meta,
        },
    ).headers["Location"]
    client.patch(
        location,
        data=data,
        headers={
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    with s3_app.app_context():
        from app.storage import storage

        upload_id = location.rsplit("/", 1)[1]
        assert storage().exists(f"uploads/{upload_id}")  # the worker can fetch it from anywhere
        user = db.session.scalar(select(User).filter_by(email="s3@example.com"))
        upload = db.session.get(Upload, upload_id)
        post = posts.create_post(
            user, upload, posts.NewPost("deadlift", None, None, None, "private"), "s3-post"
        )
        posts.process(post.id)  # the worker (a no-op if jobs already ran in-process)
        db.session.refresh(post)
        assert post.status == "ready", post.error
        assert storage().exists(f"posts/{post.id}/video.mp4")
        assert not storage().exists(f"uploads/{upload_id}")  # the original is gone
    served = client.get(f"/media/posts/{post.id}/video.mp4")
    assert served.status_code == 302 and "no-store" in served.headers["Cache-Control"]
    ranged = requests.get(served.headers["Location"], headers={"Range": "bytes=0-1023"}, timeout=10)
    assert ranged.status_code == 206 and len(ranged.content) == 1024
    assert ranged.content[4:8] == b"ftyp"
    client.post("/auth/sign-out")
    make_user("stranger@example.com", role="coach")
    login(client, "stranger@example.com")
    assert client.get(f"/media/posts/{post.id}/video.mp4").status_code == 404  # no URL handed out
    assert db.session.get(Post, post.id).status == "ready"
