"""The media pipeline on every real phone clip in ../shared/realdata and generated edge cases:
real ffmpeg, real files, checked with ffprobe and by looking at the poster's pixels."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from app.models import Post
from app.services import posts, video
from app.storage import storage
from tests.conftest import IN_CI, make_user, shared_file

REAL_CLIPS = [  # (file, displayed width x height, has audio)
    ("squat_portrait_608x1080_gym_audio.mp4", (608, 1080), True),
    ("bench_landscape_720p_iphone_vfr_subtitled.mp4", (1280, 720), True),
    ("deadlift_landscape_360p_garage_audio.mp4", (640, 360), True),
    ("bench_1080p_noaudio_2s.mp4", (1920, 1080), False),
    ("bench_portrait_720x1280_iphone_vfr_watermark.mp4", (720, 1280), True),
]


@pytest.fixture(autouse=True)
def tools():
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        if IN_CI:
            pytest.fail("CI must install Debian's ffmpeg (ffprobe checks the output)")
        pytest.skip("ffmpeg/ffprobe not installed (apt-get install ffmpeg)")


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True)


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types in file order (ISO/IEC 14496-12 box headers)."""
    names, data = [], path.read_bytes()
    position = 0
    while position + 8 <= len(data):
        size = int.from_bytes(data[position : position + 4], "big")
        name = data[position + 4 : position + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[position + 8 : position + 16], "big")
        names.append(name)
        if size < 8:
            break
        position += size
    return names


def process_file(db, source: Path) -> Post:
    """Upload ``source`` as a user would (tus bytes into storage), post it, run the job."""
    user = make_user()
    upload = posts.create_upload(user, max(source.stat().st_size, 1), source.name)
    if source.stat().st_size:
        with source.open("rb") as stream:
            posts.append_chunk(upload, 0, stream)
    else:  # a zero-byte file can't be uploaded; pretend it arrived to test the worker
        storage().put(f"uploads/{upload.id}", source)
        upload.completed_at = upload.created_at
        db.session.commit()
    details = posts.NewPost("squat", None, None, None, "public")
    post = posts.create_post(user, upload, details, f"client-{upload.id}")
    posts.process(post.id)  # the job body, as the worker runs it
    db.session.expire_all()
    return db.session.get(Post, post.id)


def assert_web_safe(post: Post, size: tuple[int, int], audio: bool):
    assert post.status == "ready", post.error
    path = storage().path(post.media["video"])
    facts = video.ffprobe_json(path)
    kinds = {s["codec_type"]: s for s in facts["streams"]}
    assert kinds["video"]["codec_name"] == "h264" and kinds["video"]["pix_fmt"] == "yuv420p"
    assert ("audio" in kinds) is audio and (not audio or kinds["audio"]["codec_name"] == "aac")
    assert (kinds["video"]["width"], kinds["video"]["height"]) == size
    assert (post.width, post.height) == size
    boxes = top_level_boxes(path)
    assert boxes.index("moov") < boxes.index("mdat")  # faststart
    assert "location" not in (facts["format"].get("tags") or {})
    poster = Image.open(storage().path(post.media["poster_jpeg"]))
    assert ImageStat.Stat(poster.convert("L")).mean[0] > 40  # not a black frame
    assert storage().exists(post.media["poster_webp"])


@pytest.mark.parametrize(("name", "size", "audio"), REAL_CLIPS, ids=[c[0][:20] for c in REAL_CLIPS])
def test_every_real_clip_becomes_a_web_safe_video(db, name, size, audio):
    source = shared_file("realdata", name)
    post = process_file(db, source)
    assert_web_safe(post, size, audio)
    assert abs(post.duration_seconds - video.probe(source).duration) < 0.25


def test_a_rotated_phone_clip_stays_portrait(db, tmp_path):
    # A landscape-stored clip with 90 degree display rotation, as phones record it
    import imageio_ffmpeg

    rotated = tmp_path / "rotated.mp4"
    # -display_rotation needs ffmpeg 6+: the imageio-ffmpeg wheel's ffmpeg 9 has it
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-display_rotation:v:0",
            "90",
            "-i",
            shared_file("realdata", "deadlift_landscape_360p_garage_audio.mp4"),
            "-c",
            "copy",
            rotated,
        ],
        check=True,
    )
    assert video.probe(rotated).width == 360  # displayed portrait
    assert_web_safe(process_file(db, rotated), (360, 640), True)


def test_location_and_titles_are_stripped_and_odd_sizes_made_even(db, tmp_path):
    clip = tmp_path / "odd.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=641x359:rate=30",
        "-t",
        1,
        "-metadata",
        "location=+48.8577+002.2950/",
        "-c:v",
        "libx264",
        clip,
    )
    post = process_file(db, clip)
    assert_web_safe(post, (640, 358), False)


def test_a_10_bit_clip_becomes_8_bit(db, tmp_path):
    clip = tmp_path / "ten.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=30",
        "-t",
        1,
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p10le",
        clip,
    )
    assert_web_safe(process_file(db, clip), (320, 240), False)


def test_a_black_first_frame_is_not_the_poster(db, tmp_path):
    clip = tmp_path / "fade.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=320x240:rate=30:duration=4",
        "-vf",
        "fade=in:st=0:d=1.5",
        "-c:v",
        "libx264",
        clip,
    )
    assert_web_safe(process_file(db, clip), (320, 240), False)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "The file is empty."),
        (lambda p: p.write_text("not a video at all, just text\n" * 20), "isn't a video"),
        (
            lambda p: p.write_bytes(
                shared_file("realdata", "squat_portrait_608x1080_gym_audio.mp4").read_bytes()[
                    :600_000
                ]
            ),
            "isn't a video",
        ),
    ],
)
def test_bad_files_fail_cleanly_with_a_message(db, tmp_path, make, message):
    bad = tmp_path / "upload.mp4"
    make(bad)
    post = process_file(db, bad)
    assert post.status == "failed" and message in post.error
    assert post.media is None and not storage().path(f"posts/{post.id}").exists()
    assert posts.process(post.id) == "skipped"  # a retry leaves a failed post alone


def test_a_clip_over_the_length_limit_is_refused(app_factory, tmp_path, db):
    limited = app_factory(MAX_VIDEO_SECONDS=1)
    with limited.app_context():
        post = process_file(db, shared_file("realdata", "bench_1080p_noaudio_2s.mp4"))
        assert post.status == "failed" and "up to 1 seconds" in post.error


@pytest.mark.parametrize(
    ("name", "size", "audio"),
    REAL_CLIPS[:2] + REAL_CLIPS[4:],
    ids=["portrait", "vfr", "audio-first"],
)
def test_without_ffprobe_ffmpegs_own_report_gives_the_same_facts(name, size, audio):
    # A laptop with only the pip-installed ffmpeg (imageio-ffmpeg ships no ffprobe)
    source = shared_file("realdata", name)
    with_ffprobe = video.probe(source)
    fallback = video.video_info(video._probe_with_ffmpeg(source))
    assert (fallback.width, fallback.height, fallback.has_audio) == (*size, audio)
    assert abs(fallback.duration - with_ffprobe.duration) < 0.05
    assert abs(fallback.fps - with_ffprobe.fps) < 0.1


def test_a_retry_removes_the_work_folder_a_killed_try_left(tmp_path, monkeypatch):
    """A worker SIGKILLed mid-transcode can't clean its scratch folder (tests/faults shows it
    end to end); the next try does, but never the folder of a try still running."""
    import subprocess
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()  # its pid now names no process
    folders = {}
    for owner, pid in (("dead", dead.pid), ("alive", os.getpid())):
        folder = tmp_path / f"meetday-post-7-{owner}"
        folder.mkdir()
        (folder / posts.OWNER_FILE).write_text(str(pid))
        (folder / "video.mp4").write_bytes(b"partial")
        folders[owner] = folder
    other_post = tmp_path / "meetday-post-70-x"
    other_post.mkdir()
    (other_post / posts.OWNER_FILE).write_text(str(dead.pid))

    assert posts.remove_abandoned_work(7) == [folders["dead"]]
    assert not folders["dead"].exists()
    assert folders["alive"].exists() and other_post.exists()
