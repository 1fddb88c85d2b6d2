"""Meetday: create_app() builds the Flask app; no database or network work happens here."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import assets, config, errors, jobs, logs, readonly, security, storage
from app.extensions import csrf, db, htmx, limiter, login_manager, migrate
from app.models.types import render_item
from app.web.converters import IdConverter


def create_app(overrides: dict | None = None) -> Flask:
    """Application factory. ``overrides`` are config keys applied after the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(config.load(app.instance_path, overrides))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the embedded SQLite lives here
    if app.config.get("STATIC_FOLDER"):  # another copy of static/ (a deploy test builds its own)
        app.static_folder = app.config["STATIC_FOLDER"]
    if app.config["MEETDAY_ENV"] == "production":
        # Heroku's router (one hop) sets X-Forwarded-For/-Proto: real client IPs, https URLs.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    logs.init_app(app)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        render_item=render_item,
    )
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    jobs.init_app(app)
    storage.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.url_map.converters["int"] = IdConverter  # before any route is added: ids are 32-bit
    readonly.init_app(app)  # before the blueprints' hooks load the user
    _register_blueprints(app)
    _register_template_helpers(app)
    from app import cli
    from app.services import push

    cli.init_app(app)
    push.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.web.admin import bp as admin_bp
    from app.web.ai import bp as ai_bp
    from app.web.api import bp as api_bp
    from app.web.auth import bp as auth_bp
    from app.web.coach import bp as coach_bp
    from app.web.dms import bp as dms_bp
    from app.web.feed import bp as feed_bp
    from app.web.media import bp as media_bp
    from app.web.notifications import bp as notifications_bp
    from app.web.onboarding import bp as onboarding_bp
    from app.web.ops import bp as ops_bp
    from app.web.planner import bp as planner_bp
    from app.web.push import bp as push_bp
    from app.web.tools import bp as tools_bp

    for bp in (
        auth_bp,
        onboarding_bp,
        feed_bp,
        media_bp,
        planner_bp,
        dms_bp,
        ai_bp,
        admin_bp,
        coach_bp,
        tools_bp,
        api_bp,
        notifications_bp,
        ops_bp,
        push_bp,
    ):
        app.register_blueprint(bp)
    from app.web import notifications
    from app.web.auth import oidc

    oidc.init_app(app)
    notifications.routes.init_app(app)


def _register_template_helpers(app: Flask) -> None:
    from app.web import filters

    filters.init_app(app)
