"""Health endpoints for the platform: /healthz (process up), /readyz (database and Redis)."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from app.extensions import db
from app.web.ops import bp


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("planner.index"))
    return redirect(url_for("auth.sign_in"))


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
