"""Platform endpoints: /healthz (process up), /readyz (database and Redis), and what makes
Meetday an installable, offline-capable app: the manifest, the service worker at /sw.js, the
offline page it precaches, and /csrf-token for replaying writes queued offline."""

from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from app import service_worker
from app.extensions import db
from app.web.ops import bp


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("planner.index"))
    return redirect(url_for("auth.sign_in"))


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: names, icons (incl. maskable), colours, standalone display and
    shortcuts to today's session and the plate calculator."""

    def icon(name: str, size: str, purpose: str = "any") -> dict:
        return {
            "src": url_for("static", filename=f"icons/{name}"),
            "sizes": size,
            "type": "image/png" if name.endswith(".png") else "image/svg+xml",
            "purpose": purpose,
        }

    body = {
        "name": "Meetday",
        "short_name": "Meetday",
        "description": "Powerlifting training that peaks on meet day.",
        "id": "/",
        "start_url": url_for("planner.index"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#17181c",
        "background_color": "#f6f5f2",
        "icons": [
            icon("icon-192.png", "192x192"),
            icon("icon-512.png", "512x512"),
            icon("maskable-512.png", "512x512", "maskable"),
            icon("favicon.svg", "any"),
        ],
        "shortcuts": [
            {
                "name": "Today's session",
                "short_name": "Today",
                "url": url_for("planner.index"),
                "icons": [icon("icon-192.png", "192x192")],
            },
            {
                "name": "Plate calculator",
                "short_name": "Plates",
                "url": url_for("tools.plate_calculator"),
                "icons": [icon("icon-192.png", "192x192")],
            },
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.cache_control.public, response.cache_control.max_age = True, 3600
    return response


@bp.get("/sw.js")
def sw():
    """The service worker, from the site root so its scope is the whole app. Never cached by
    the HTTP cache: the browser compares it byte for byte to find a new build."""
    path = service_worker.current(current_app)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="text/javascript", max_age=0, conditional=True)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """What a page that was never saved on this device shows offline. Precached by the service
    worker, so it carries nobody's data: no user, no CSRF token."""
    return render_template("offline.html")


@bp.get("/csrf-token")
def csrf_token():
    """The session's CSRF token and user id (or null), for the service worker to replay
    writes queued before the session was renewed. JSON, never cached."""
    user = current_user.id if current_user.is_authenticated else None
    response = jsonify(token=generate_csrf(), user=user)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """200 when the database and Redis answer, else 503; each check says what failed."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    ready = all(check["ok"] for check in checks.values())
    return jsonify(status="ready" if ready else "unavailable", checks=checks), 200 if ready else 503


def _check_database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True, "backend": db.engine.dialect.name}
    except Exception as error:  # any driver error means not ready
        db.session.rollback()
        current_app.logger.warning("readyz: database check failed: %s", error.__class__.__name__)
        return {"ok": False, "error": error.__class__.__name__}


def _check_redis() -> dict:
    in_process = current_app.config["REDIS_URL"] is None
    try:
        current_app.extensions["redis"].ping()
        return {"ok": True, "mode": "in-process" if in_process else "server"}
    except Exception as error:  # connection refused, timeout, auth ...
        current_app.logger.warning("readyz: redis check failed: %s", error.__class__.__name__)
        return {"ok": False, "error": error.__class__.__name__}
