"""Resumable uploads (the tus 1.0.0 core protocol with the creation extension) and serving
post media with range requests and per-viewer access.

tus was chosen because an interrupted phone upload resumes from the last byte the server
has (HEAD tells the offset), it is an open protocol with a maintained browser client
(tus-js-client, from npm), and its core is small enough to serve from Flask directly.
"""

from __future__ import annotations

import base64

from flask import Response, abort, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Post, Upload
from app.services import access, posts
from app.storage import storage
from app.web import grants
from app.web.media import bp

TUS_VERSION = "1.0.0"


def _tus(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


def _metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: 'key base64value,key2 base64value2'."""
    values = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded).decode("utf-8", "replace") if encoded else ""
        except ValueError:
            continue
    return values


def _own_upload(upload_id: str) -> Upload:
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.user_id != current_user.id:
        abort(404)
    return upload


@bp.route("/uploads", methods=["OPTIONS"])
def tus_options():
    response = _tus(Response(status=204))
    response.headers.update(
        {
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": "creation",
            "Tus-Max-Size": str(posts.max_upload_bytes()),
        }
    )
    return response


@bp.post("/uploads")
@login_required
def create_upload():
    try:
        length = int(request.headers.get("Upload-Length", ""))
        upload = posts.create_upload(
            current_user,
            length,
            _metadata(request.headers.get("Upload-Metadata", "")).get("filename"),
        )
    except ValueError as error:  # includes UploadError
        return _tus(
            Response(
                str(error)
                if isinstance(error, posts.UploadError)
                else "Upload-Length is required.",
                status=getattr(error, "status", 400),
            )
        )
    response = _tus(Response(status=201))
    response.headers["Location"] = url_for("media.upload_offset", upload_id=upload.id)
    return response


@bp.route("/uploads/<upload_id>", methods=["HEAD"])
@login_required
def upload_offset(upload_id: str):
    upload = _own_upload(upload_id)
    response = _tus(Response(status=200))
    response.headers.update(
        {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length)}
    )
    return response


@bp.route("/uploads/<upload_id>", methods=["PATCH"])
@login_required
def append_upload(upload_id: str):
    upload = _own_upload(upload_id)
    if request.headers.get("Content-Type") != "application/offset+octet-stream":
        return _tus(Response("Content-Type must be application/offset+octet-stream", status=415))
    try:
        offset = posts.append_chunk(
            upload, int(request.headers.get("Upload-Offset", "-1")), request.stream
        )
    except posts.UploadError as error:
        return _tus(Response(str(error), status=error.status))
    except ValueError:
        return _tus(Response("Upload-Offset must be a number.", status=400))
    response = _tus(Response(status=204))
    response.headers["Upload-Offset"] = str(offset)
    return response


MEDIA_FILES = {
    "video.mp4": ("video", "video/mp4"),
    "poster.webp": ("poster_webp", "image/webp"),
    "poster.jpg": ("poster_jpeg", "image/jpeg"),
    "photo.jpg": ("photo", "image/jpeg"),
}


@bp.get("/posts/<int:post_id>/<name>")
def show_media(post_id: int, name: str):
    """A post's video or poster, with HTTP range requests (seeking on iOS Safari) and long
    caching; private media answers 404 to anyone without access."""
    post = db.session.get(Post, post_id)
    if name not in MEDIA_FILES or post is None or not post.media:
        abort(404)
    viewer = current_user if current_user.is_authenticated else None
    if not access.can_view_post(viewer, post, grants.from_request()):
        abort(404)
    field, mimetype = MEDIA_FILES[name]
    if field not in post.media:
        abort(404)
    return storage().send(post.media[field], mimetype, public=post.visibility == "public")
