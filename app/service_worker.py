"""The service worker: built by Workbox (scripts/build-sw.mjs, Node) from app/static/sw/ after
the bundles, versioned by the bundles' content hashes, and served at /sw.js (root scope).

A build precaches exactly the bundles the pages of that build link to, so a page and the CSS
and JS it names always come from the same build.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from flask import Flask, url_for

from app import assets

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build-sw.mjs"
SOURCES = ROOT / "app" / "static" / "sw"
ICONS = ["icons/*.png", "icons/*.svg"]


class BuildError(RuntimeError):
    """Node or Workbox failed; the message carries Node's stderr."""


def bundle_files(app: Flask) -> list[str]:
    """Paths under static/ of every built bundle (e.g. ``gen/app.942ba98c.js``), sorted."""
    env = app.extensions["assets"]
    prefix = app.static_url_path.rstrip("/") + "/"
    files = set()
    for name in assets.BUNDLE_NAMES:
        for url in env[name].urls():
            files.add(url.split("?")[0].removeprefix(prefix))
    return sorted(files)


def build_id(files: list[str]) -> str:
    """16 hex digits naming a build: a hash of its content-hashed bundle names and of the
    worker's own sources (app/static/sw/), so changing either makes a new build."""
    digest = hashlib.sha256("\n".join(files).encode())
    for source in sorted(SOURCES.glob("*.js")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def sw_path(app: Flask) -> Path:
    return Path(app.static_folder) / "gen" / "sw.js"


def built_id(app: Flask) -> str | None:
    """The build id the service worker on disk was made for, or None if there is none."""
    stamp = sw_path(app).with_suffix(".build")
    return stamp.read_text().strip() if stamp.exists() else None


def build(app: Flask) -> dict:
    """Build static/gen/sw.js for the bundles as they are now (building them if needed).

    Returns Workbox's summary: ``{"precached": n, "bytes": n, "workbox": "workbox-v7.4.0"}``.
    Raises BuildError when Node is missing or the build fails.
    """
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is not installed: the service worker is built with Workbox (npm)")
    files = bundle_files(app)
    ident = build_id(files)
    with app.test_request_context():
        options = {
            "staticDir": app.static_folder,
            "outDir": str(Path(app.static_folder) / "gen"),
            "staticUrl": app.static_url_path.rstrip("/"),
            "build": ident,
            "files": files + ICONS,
            "offlineUrl": url_for("ops.offline"),
            "signOutUrl": url_for("auth.sign_out"),
            "csrfUrl": url_for("ops.csrf_token"),
        }
    done = subprocess.run(
        [node, str(SCRIPT), json.dumps(options)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise BuildError(done.stderr.strip() or f"build-sw.mjs exited with {done.returncode}")
    sw_path(app).with_suffix(".build").write_text(ident)
    return json.loads(done.stdout.strip().splitlines()[-1])


def current(app: Flask) -> Path | None:
    """The service worker file to serve. In development (assets built on demand) it is
    rebuilt when the bundles changed since; in production it is what the build made."""
    path = sw_path(app)
    if app.extensions["assets"].auto_build and built_id(app) != build_id(bundle_files(app)):
        try:
            build(app)
        except BuildError as error:
            app.logger.warning("service worker not rebuilt: %s", error)
    return path if path.exists() else None
