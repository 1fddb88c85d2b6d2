"""Media storage behind one small interface: local disk by default, S3-compatible object
storage (AWS S3, MinIO, Cloudflare R2 ...) when S3_BUCKET is set.

Keys are relative paths like 'posts/12/video.mp4'; callers never build file paths themselves.
Interface: put(key, file), fetch(key, file), exists(key), delete(key), delete_prefix(prefix),
send(key, mimetype, public) -> a Flask response for a viewer already allowed to see it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flask import Flask, current_app, redirect, send_file

LONG_CACHE_SECONDS = 31536000  # media keys never change content: cache for a year


class LocalStorage:
    """Files under ``root`` (MEDIA_ROOT, default instance/media)."""

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    def path(self, key: str) -> Path:
        """The file for ``key``; raises ValueError for a key that would leave the root."""
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError(f"bad storage key {key!r}")
        return path

    def put(self, key: str, source: Path, move: bool = False) -> None:
        """Store ``source`` under ``key`` atomically (write aside, then rename)."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        if move:
            shutil.move(source, partial)
        else:
            shutil.copyfile(source, partial)
        os.replace(partial, target)

    def fetch(self, key: str, target: Path) -> None:
        shutil.copyfile(self.path(key), target)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.path(prefix), ignore_errors=True)

    def send(self, key: str, mimetype: str, public: bool):
        """The file with HTTP range support (seeking on iOS Safari) and a year of caching."""
        response = send_file(
            self.path(key),
            mimetype=mimetype,
            conditional=True,
            etag=True,
            max_age=LONG_CACHE_SECONDS,
        )
        # Public media may sit in shared caches; anything else only in the viewer's browser.
        response.cache_control.public, response.cache_control.private = public, not public
        response.cache_control.immutable = True
        return response


class S3Storage:
    """Objects in an S3-compatible bucket through boto3. Media is served by a short-lived
    presigned URL (the object store answers range requests itself)."""

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        url_seconds: int = 600,
    ):
        import boto3

        self.bucket, self.url_seconds = bucket, url_seconds
        # Credentials come from the environment (AWS_ACCESS_KEY_ID ...), never from config.
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, source: Path, move: bool = False) -> None:
        self.client.upload_file(str(source), self.bucket, key)
        if move:
            Path(source).unlink(missing_ok=True)

    def fetch(self, key: str, target: Path) -> None:
        self.client.download_file(self.bucket, key, str(target))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def delete_prefix(self, prefix: str) -> None:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix.rstrip("/") + "/"
        )
        for page in pages:
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})

    def send(self, key: str, mimetype: str, public: bool):
        url = self.client.generate_presigned_url(
            "get_object",
            ExpiresIn=self.url_seconds,
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentType": mimetype,
                "ResponseCacheControl": f"{'public' if public else 'private'}, "
                f"max-age={LONG_CACHE_SECONDS}, immutable",
            },
        )
        response = redirect(url, 302)
        response.cache_control.no_store = True  # the grant to see it is checked every time
        return response


def init_app(app: Flask) -> None:
    bucket = app.config.get("S3_BUCKET")
    if bucket:
        app.extensions["storage"] = S3Storage(
            bucket, app.config.get("S3_ENDPOINT_URL"), app.config.get("S3_REGION")
        )
    else:
        root = app.config.get("MEDIA_ROOT") or Path(app.instance_path) / "media"
        app.extensions["storage"] = LocalStorage(root)


def storage() -> LocalStorage | S3Storage:
    return current_app.extensions["storage"]


def scratch_dir() -> Path:
    """Local disk of this process for uploads in progress (UPLOAD_SCRATCH, default
    instance/uploads): a finished upload moves into storage, where a worker fetches it."""
    path = Path(
        current_app.config.get("UPLOAD_SCRATCH") or Path(current_app.instance_path) / "uploads"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path
