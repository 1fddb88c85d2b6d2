"""Lift-video posts: resumable uploads, creating a post, and processing it in a worker."""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.domain.media import NotAVideo
from app.extensions import db
from app.models import OutboxEvent, Post, Upload, User
from app.models.types import utcnow
from app.services import events, receipts, video
from app.storage import scratch_dir, storage

log = logging.getLogger(__name__)


class UploadError(ValueError):
    """An upload request the server refuses; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def max_upload_bytes() -> int:
    return current_app.config["MAX_UPLOAD_BYTES"]


def _upload_key(upload_id: str) -> str:
    return f"uploads/{upload_id}"


def scratch_path(upload_id: str) -> Path:
    """Where the bytes of an upload in progress are written (local to the web process)."""
    return scratch_dir() / upload_id


def _printable(name: str) -> str:
    """The name as sent, less control characters (a NUL is one no database column takes)."""
    return "".join(ch for ch in name if ch.isprintable())


def create_upload(user: User, length: int, filename: str | None) -> Upload:
    """Open a resumable upload of ``length`` bytes. Raises UploadError (413 when too large)."""
    limit = max_upload_bytes()
    if length <= 0:
        raise UploadError("The file is empty.")
    if length > limit:
        raise UploadError(f"Videos can be up to {limit // (1024 * 1024)} MB.", 413)
    upload = Upload(
        id=secrets.token_hex(16),
        user_id=user.id,
        length=length,
        offset=0,
        filename=_printable(filename or "")[:255] or None,
    )
    scratch_path(upload.id).touch()
    db.session.add(upload)
    db.session.commit()
    return upload


def append_chunk(upload: Upload, offset: int, chunk) -> int:
    """Write bytes from the stream ``chunk`` at ``offset`` (which must be where the upload
    stands: tus answers 409 otherwise) and return the new offset. Bytes past the declared
    length are refused. A dropped connection keeps what arrived, so the client resumes."""
    if offset != upload.offset:
        raise UploadError("Upload-Offset does not match the bytes received.", 409)
    path = scratch_path(upload.id)
    written = 0
    try:
        with path.open("r+b") as out:
            out.seek(offset)
            while True:
                block = chunk.read(64 * 1024)
                if not block:
                    break
                if offset + written + len(block) > upload.length:
                    raise UploadError("More bytes than the upload declared.", 413)
                out.write(block)
                written += len(block)
    finally:  # keep every byte that made it to disk, even when the client went away
        upload.offset = offset + written
        if upload.offset == upload.length and upload.completed_at is None:
            storage().put(_upload_key(upload.id), path, move=True)  # where the worker finds it
            upload.completed_at = utcnow()
        db.session.commit()
    return upload.offset


def upload_whole(user: User, stream, filename: str | None, declared_length: int) -> Upload:
    """A file sent whole in one request (a form post without JavaScript, or a message
    attachment), stored where the worker finds it. ``declared_length``: the request's
    Content-Length, an upper bound checked against the size limit before reading. The stream
    is read to the end and closed. Raises UploadError (too large, empty)."""
    upload = create_upload(user, declared_length, filename)
    try:
        received = append_chunk(upload, 0, stream)
    finally:
        stream.close()  # read to the end; a large form part is a temporary file
    if received == 0:
        raise UploadError("The file is empty.")
    upload.length = received  # the form's own bytes made the declared length larger
    storage().put(_upload_key(upload.id), scratch_path(upload.id), move=True)
    upload.completed_at = utcnow()
    db.session.commit()
    return upload


@dataclass(frozen=True)
class NewPost:
    movement: str
    load_kg: Decimal | None
    rpe: Decimal | None
    caption: str | None
    visibility: str


def create_post(user: User, upload: Upload, details: NewPost, client_id: str) -> Post:
    """Create the post (status 'processing') for a finished upload and hand it to the media
    queue; the same client id returns the same post. Raises UploadError if the upload isn't
    complete."""
    existing = receipts.existing(Post, user.id, client_id)
    if existing is not None:
        return existing
    if upload.completed_at is None:
        raise UploadError("The video hasn't finished uploading.", 409)
    post = Post(
        user_id=user.id,
        client_id=client_id,
        upload_id=upload.id,
        status="processing",
        movement=details.movement,
        load_kg=details.load_kg,
        rpe=details.rpe,
        caption=details.caption,
        visibility=details.visibility,
    )
    db.session.add(post)
    try:
        db.session.flush()
        events.record("media.uploaded", {"post_id": post.id, "user_id": user.id})
        db.session.commit()
    except IntegrityError:
        return receipts.after_conflict(Post, user, client_id)
    events.relay_soon()
    return post


def on_media_uploaded(event: OutboxEvent) -> str:
    """Handler of 'media.uploaded': process the post's upload (see process)."""
    return process(event.payload["post_id"])


PHOTO_MAX_SIDE = 2048  # px: sharp on any phone, a few hundred kB as JPEG
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "MPO")


def _photo_renditions(source: Path, work: Path, post_id: int):
    """When ``source`` is a photo: an upright (EXIF orientation applied), metadata-free JPEG
    and WebP at most PHOTO_MAX_SIDE px, written in ``work``; returns (storage keys, (width,
    height)). None for anything that is not a photo (videos go to ffmpeg). Pillow's
    decompression-bomb guard stays on: a bomb raises and the post fails cleanly."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(source) as image:
            if image.format not in PHOTO_FORMATS:
                return None
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except UnidentifiedImageError:
        return None
    except (OSError, Image.DecompressionBombError) as error:
        raise NotAVideo(f"That photo couldn't be read ({error}).") from None
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    upright.save(work / "photo.jpg", "JPEG", quality=85, optimize=True)  # no EXIF, no GPS
    upright.save(work / "poster.webp", "WEBP", quality=80)
    upright.save(work / "poster.jpg", "JPEG", quality=85)
    keys = {
        "photo": f"posts/{post_id}/photo.jpg",
        "poster_webp": f"posts/{post_id}/poster.webp",
        "poster_jpeg": f"posts/{post_id}/poster.jpg",
    }
    return keys, upright.size


OWNER_FILE = "owner.pid"


def _work_prefix(post_id: int) -> str:
    return f"meetday-post-{post_id}-"


def remove_abandoned_work(post_id: int) -> list[Path]:
    """Delete the scratch folders of earlier tries at ``post_id`` whose process is gone (a
    worker killed mid-transcode leaves a copy of the upload and a partial video behind; a
    TemporaryDirectory only cleans up after a process that lives to leave the block).
    Folders of a try still running on this machine are kept. Returns what was removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{_work_prefix(post_id)}*"):
        try:
            pid = int((folder / OWNER_FILE).read_text())
            os.kill(pid, 0)  # raises if no such process
            continue
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # no owner written yet, or not ours to judge
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    if removed:
        log.info("removed %s abandoned work folder(s) of post %s", len(removed), post_id)
    return removed


def process(post_id: int) -> str:
    """The job: probe, transcode, poster, store. A file that isn't a usable video fails the
    post with a message for its owner; a transient error is raised so RQ retries. Safe to run
    twice: a post no longer 'processing' is left alone."""
    post = db.session.get(Post, post_id)
    if post is None or post.status != "processing":
        return "skipped"
    post.attempts += 1
    db.session.commit()
    remove_abandoned_work(post.id)
    try:
        with tempfile.TemporaryDirectory(prefix=_work_prefix(post.id)) as work:
            work = Path(work)
            (work / OWNER_FILE).write_text(str(os.getpid()))
            source = work / "upload"
            if not post.upload_id or not storage().exists(_upload_key(post.upload_id)):
                raise NotAVideo("The upload is missing.")
            storage().fetch(_upload_key(post.upload_id), source)
            photo = _photo_renditions(source, work, post.id)
            if photo is not None:  # a photo attached to a message
                keys, size = photo
                for key in keys.values():
                    storage().put(key, work / Path(key).name)
                post.media, (post.width, post.height) = keys, size
                post.status, post.error = "ready", None
                db.session.commit()
                storage().delete(_upload_key(post.upload_id))
                return "ready"
            info = video.probe(source)
            if info.duration > current_app.config["MAX_VIDEO_SECONDS"]:
                raise NotAVideo(
                    f"Clips can be up to {current_app.config['MAX_VIDEO_SECONDS']} "
                    "seconds: trim it to the lift."
                )
            video.transcode(source, work / "video.mp4", info)
            rendition = video.probe(work / "video.mp4")
            video.poster(work / "video.mp4", rendition, work / "poster.webp", work / "poster.jpg")
            keys = {
                "video": f"posts/{post.id}/video.mp4",
                "poster_webp": f"posts/{post.id}/poster.webp",
                "poster_jpeg": f"posts/{post.id}/poster.jpg",
            }
            for key in keys.values():
                storage().put(key, work / Path(key).name)
    except (NotAVideo, video.TranscodeError) as error:
        if isinstance(error, video.TranscodeError) and error.transient:
            raise
        post.status, post.error = "failed", str(error)
        storage().delete_prefix(f"posts/{post.id}")
        db.session.commit()
        return "failed"
    post.media = keys
    post.width, post.height = rendition.width, rendition.height
    post.duration_seconds = round(rendition.duration, 2)
    post.status, post.error = "ready", None
    db.session.commit()
    storage().delete(_upload_key(post.upload_id))
    return "ready"
