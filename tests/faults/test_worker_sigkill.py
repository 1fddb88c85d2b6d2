"""An RQ worker killed with SIGKILL mid-transcode (issue "Reliability").

A lift video is uploaded and posted through the service layer, so its 'media.uploaded' event
is relayed to the 'media' queue. The Procfile's worker takes the job and, while ffmpeg is
transcoding, the worker, its work horse and ffmpeg are killed with SIGKILL (the platform's
last word, or the OOM killer). A new worker starts; RQ's maintenance finds the job abandoned
and retries it; the post ends 'ready' with a video that plays, after exactly two tries, with
one post, one set of stored files and the event done. Running the job again changes nothing.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from rq.defaults import DEFAULT_JOB_MONITORING_INTERVAL
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func, select

from app import jobs
from app.extensions import db
from app.models import OutboxEvent, Post
from app.services import events, posts
from app.services.video import ffprobe_json
from app.storage import storage
from tests.conftest import close_app, make_app, make_user
from tests.faults.processes import require_binary, session_members, wait_until

CLIP_SECONDS = 20  # 720p30 with sound: ffmpeg needs a few seconds for it (4 s here, 2 cores)
RUNNING_SECONDS = 30  # the worker's start to ffmpeg transcoding
READY_SECONDS = 45  # the retry's start to the post ready
ENCODED = 512 * 1024  # bytes of the web rendition (about 6 MB in all) written before the kill


@pytest.fixture
def fault_env(fault_env, fault_scratch):
    """Retries at once (OUTBOX_RETRY_SCALE=0), a relay every second, and the workers'
    temporary files where the test can see them."""
    tmp = fault_scratch / "worker-tmp"
    tmp.mkdir()
    fault_env.update(OUTBOX_RETRY_SCALE="0", OUTBOX_RELAY_SECONDS="1", TMPDIR=str(tmp))
    return fault_env


@pytest.fixture
def media_app(fault_app, fault_pg, fault_redis, fault_env):
    """The app in this process with the workers' media folders (fault_app keeps the test
    suite's): what it uploads, the workers find."""
    app = make_app(
        fault_pg.url,
        REDIS_URL=fault_redis.url,
        MEDIA_ROOT=fault_env["MEDIA_ROOT"],
        UPLOAD_SCRATCH=fault_env["UPLOAD_SCRATCH"],
        OUTBOX_RETRY_SCALE=0,
    )
    yield app
    close_app(app)


def make_clip(folder: Path) -> Path:
    """A 1280x720, 30 fps clip with a tone, CLIP_SECONDS long (under MAX_VIDEO_SECONDS)."""
    clip = folder / "squat.mp4"
    video = f"testsrc2=size=1280x720:rate=30:duration={CLIP_SECONDS}"
    audio = f"sine=frequency=440:duration={CLIP_SECONDS}"
    command = [require_binary("ffmpeg"), "-v", "error", "-y", "-f", "lavfi", "-i", video]
    command += ["-f", "lavfi", "-i", audio, "-c:v", "libx264", "-preset", "ultrafast"]
    command += ["-c:a", "aac", "-shortest", str(clip)]
    subprocess.run(command, check=True, timeout=120)
    return clip


def post_video(app, clip: Path) -> tuple[int, int]:
    """Upload ``clip`` in two chunks and post it, as the tus client and the form would:
    (post id, event id). The event is relayed to the 'media' queue after the commit."""
    with app.app_context():
        user = make_user()
        upload = posts.create_upload(user, clip.stat().st_size, clip.name)
        half = clip.stat().st_size // 2
        with clip.open("rb") as stream:
            first = _Limited(stream, half)
            offset = posts.append_chunk(upload, 0, first)
            assert posts.append_chunk(upload, offset, stream) == clip.stat().st_size
        details = posts.NewPost("squat", None, None, "Opener, easy", "public")
        post = posts.create_post(user, upload, details, str(uuid.uuid4()))
        event = db.session.scalars(select(OutboxEvent).filter_by(name="media.uploaded")).one()
        assert event.payload["post_id"] == post.id and event.enqueued_at is not None
        ids = post.id, event.id
        db.session.remove()
    return ids


class _Limited:
    """The first ``size`` bytes of a stream (one tus PATCH's worth)."""

    def __init__(self, stream, size: int):
        self.stream, self.left = stream, size

    def read(self, n: int) -> bytes:
        block = self.stream.read(min(n, self.left))
        self.left -= len(block)
        return block


def fresh(app, model, row_id: int):
    """The row as the database has it now, detached (its attributes stay readable)."""
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge(row)
        db.session.remove()
    return row


def transcoding(worker) -> list[int]:
    """The pids of ffmpeg processes encoding H.264 in the worker's session (its work horse's
    children)."""
    found = []
    for pid in session_members(worker.pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if Path(argv[0].decode()).name == "ffmpeg" and b"libx264" in argv:
            found.append(pid)
    return found


def encoded_bytes(tmp: Path) -> int:
    """How much of the web rendition ffmpeg has written so far (in the job's temporary
    folder: services/posts.process)."""
    return sum(path.stat().st_size for path in tmp.glob("*/video.mp4"))


def media_files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def plays(path: Path) -> float:
    """Decode every frame of ``path`` (fails on any error) and return its duration."""
    facts = ffprobe_json(path)
    codecs = {stream["codec_type"]: stream["codec_name"] for stream in facts["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}, codecs
    decoded = subprocess.run(
        [require_binary("ffmpeg"), "-v", "error", "-i", str(path), "-f", "null", "-"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert decoded.returncode == 0 and not decoded.stderr.strip(), decoded.stderr[-500:]
    return float(facts["format"]["duration"])


def test_a_worker_killed_mid_transcode_is_retried_and_the_post_ends_ready_once(
    media_app, fault_redis, fault_env, fault_scratch, fault_worker
):
    require_binary("ffprobe")
    clip = make_clip(fault_scratch)
    post_id, event_id = post_video(media_app, clip)
    job_id = f"{events.JOB_ID_PREFIX}{event_id}"
    redis = fault_redis.client()
    started = StartedJobRegistry("media", connection=redis)
    try:
        # The first worker takes the job; kill everything once ffmpeg is encoding
        began = time.monotonic()
        first = fault_worker("media")
        wait_until(
            lambda: transcoding(first) and encoded_bytes(Path(fault_env["TMPDIR"])) > ENCODED,
            "ffmpeg transcoding",
            RUNNING_SECONDS,
            first,
        )
        partial = encoded_bytes(Path(fault_env["TMPDIR"]))
        first.signal_all(signal.SIGKILL)  # the worker, its work horse and ffmpeg
        killed_after = time.monotonic() - began
        first.wait(10)
        wait_until(lambda: not session_members(first.pid), "the first worker gone", 10)

        post = fresh(media_app, Post, post_id)
        assert (post.status, post.attempts, post.media) == ("processing", 1, None)
        media_root = Path(fault_env["MEDIA_ROOT"])
        assert media_files(media_root) == {f"uploads/{post.upload_id}"}  # nothing stored yet
        assert Job.fetch(job_id, connection=redis).get_status() == JobStatus.STARTED
        assert job_id in started.get_job_ids()  # left there by a worker that died

        # A new worker; RQ's maintenance finds the job abandoned once its heartbeat's TTL
        # (job_monitoring_interval + 60 s: rq.worker.base.Worker.get_heartbeat_ttl) has
        # passed. Instead of waiting 90 s for that, this runs the same cleanup as if it had:
        # the job has retries left, so RQ requeues it (OUTBOX_RETRY_SCALE=0: at once). The
        # failure callback (workers.events.event_failed) runs here, in this app's context.
        second = fault_worker("media")
        heartbeat_ttl = DEFAULT_JOB_MONITORING_INTERVAL + 60  # the Procfile sets no other
        with media_app.app_context():
            started.cleanup(timestamp=time.time() + heartbeat_ttl + 1)
            db.session.remove()
        assert job_id not in started.get_job_ids()
        noted = fresh(media_app, OutboxEvent, event_id)  # by the failure callback: not final yet
        assert noted.error.startswith("AbandonedJobError") and noted.failed_at is None
        retried_at = time.monotonic()
        wait_until(
            lambda: Job.fetch(job_id, connection=redis).get_status() == JobStatus.FINISHED,
            "the retried job finished",
            READY_SECONDS,
            second,
        )
        ready_in = time.monotonic() - retried_at

        post = fresh(media_app, Post, post_id)
        assert (post.status, post.attempts, post.error) == ("ready", 2, None)
        event = fresh(media_app, OutboxEvent, event_id)
        assert event.done_at is not None and event.failed_at is None and event.error is None
        assert event.attempts == 2
        job = Job.fetch(job_id, connection=redis)
        assert job.get_status() == JobStatus.FINISHED and job.return_value() == "done"
        assert job.retries_left == 1  # one of its two retries spent on the worker's death
        assert FailedJobRegistry("media", connection=redis).get_job_ids() == []

        # One post, its three files and nothing else: no upload left, no second copy
        with media_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Post)) == 1
            root = storage().root
            stored = {name: storage().path(key) for name, key in post.media.items()}
            db.session.remove()
        assert sorted(post.media) == ["poster_jpeg", "poster_webp", "video"]
        assert media_files(root) == {str(path.relative_to(root)) for path in stored.values()}
        assert not any(Path(fault_env["UPLOAD_SCRATCH"]).iterdir())
        assert abs(plays(stored["video"]) - CLIP_SECONDS) < 0.5
        assert ffprobe_json(stored["poster_jpeg"])["streams"][0]["codec_name"] == "mjpeg"
        assert abs(post.duration_seconds - CLIP_SECONDS) < 0.5
        assert (post.width, post.height) == (1280, 720)
        files_before = {key: (p.stat().st_mtime_ns, p.stat().st_size) for key, p in stored.items()}

        # Relaying again and delivering the job a second time change nothing
        with media_app.app_context():
            assert events.dispatch_pending() == 0
            again = jobs.queue("media").enqueue(events.JOB, event_id, job_id=job_id)
            db.session.remove()
        wait_until(
            lambda: again.get_status(refresh=True) == JobStatus.FINISHED,
            "the repeated job ran",
            READY_SECONDS,
            second,
        )
        assert again.return_value() == "skipped"
        after = fresh(media_app, Post, post_id)
        assert (after.status, after.attempts, after.media) == ("ready", 2, post.media)
        assert fresh(media_app, OutboxEvent, event_id).attempts == 2
        assert media_files(root) == {str(path.relative_to(root)) for path in stored.values()}
        files_after = {key: (p.stat().st_mtime_ns, p.stat().st_size) for key, p in stored.items()}
        assert files_after == files_before
    finally:
        redis.close()

    # the retry removed what the killed try left in the worker's TMPDIR (upload copy, partial
    # video): posts.remove_abandoned_work
    leftovers = [p for p in Path(fault_env["TMPDIR"]).rglob("*") if p.is_file()]
    assert leftovers == []
    print(
        f"\nkilled {killed_after:.1f} s after the first worker started, mid-transcode "
        f"({partial // 1024} kB encoded); retried and ready in {ready_in:.1f} s"
    )
