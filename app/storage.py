"""Media storage behind one small interface: local disk by default (S3 comes later).

Keys are relative paths like 'posts/12/video.mp4'; callers never build file paths themselves.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flask import Flask, current_app


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

    def put(self, key: str, source: Path) -> None:
        """Store a copy of ``source`` under ``key`` atomically (write then rename)."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(source, partial)
        os.replace(partial, target)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.path(prefix), ignore_errors=True)


def init_app(app: Flask) -> None:
    root = app.config.get("MEDIA_ROOT") or Path(app.instance_path) / "media"
    app.extensions["storage"] = LocalStorage(root)


def storage() -> LocalStorage:
    return current_app.extensions["storage"]
