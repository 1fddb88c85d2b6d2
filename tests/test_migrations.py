"""Migrations: every one applies to an empty database, and they agree with the models."""

import json
import uuid

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.extensions import db


def empty_database(db_url: str, tmp_path):
    """(url, drop) for a brand-new database on the same server as the test database."""
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        return f"sqlite:///{tmp_path / 'empty.db'}", lambda: None
    name = f"meetday_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def test_all_migrations_apply_to_an_empty_database_and_match_the_models(
    db_url, app_factory, tmp_path
):
    url, drop = empty_database(db_url, tmp_path)
    try:
        app = app_factory(url)
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
                tables = set(inspect(conn).get_table_names())
            db.engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
        assert {"users", "athlete_profiles", "write_receipts", "alembic_version"} <= tables
    finally:
        drop()


def test_the_prompt_templates_are_seeded_once_and_edits_survive_a_rerun(
    db_url, app_factory, tmp_path
):
    import importlib.util
    from pathlib import Path

    from alembic.operations import Operations

    root = Path(__file__).resolve().parents[1]
    [path] = (root / "migrations" / "versions").glob("aaeb3c562b6d_*.py")
    spec = importlib.util.spec_from_file_location("seeding_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    url, drop = empty_database(db_url, tmp_path)
    try:
        app = app_factory(url)
        with app.app_context():
            flask_migrate.upgrade()
            files = {p.stem: p.read_text() for p in (root / "ai" / "templates").glob("*.j2")}
            with db.engine.begin() as conn:
                rows = conn.execute(text("SELECT name, version, body FROM prompt_templates"))
                assert {name: (version, body) for name, version, body in rows} == {
                    name: (1, body) for name, body in files.items()
                }
                conn.execute(
                    text(
                        "UPDATE prompt_templates SET body = 'edited' WHERE name = 'coach_dm_response'"
                    )
                )
            with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
                migration.seed_prompt_templates()  # run again: nothing added, nothing overwritten
            with db.engine.connect() as conn:
                assert conn.scalar(text("SELECT count(*) FROM prompt_templates")) == 3
                assert (
                    conn.scalar(
                        text("SELECT body FROM prompt_templates WHERE name = 'coach_dm_response'")
                    )
                    == "edited"
                )
            db.engine.dispose()
    finally:
        drop()


def test_work_waiting_for_the_old_relays_becomes_outbox_events(db_url, app_factory, tmp_path):
    """183fc200b315: a video not yet handed to the media queue and reminders not yet handed
    to RQ (the old row-state relays) become 'media.uploaded' and 'meet.changed' events."""
    from app.services import events

    url, drop = empty_database(db_url, tmp_path)
    try:
        app = app_factory(url)
        with app.app_context():
            flask_migrate.upgrade(revision="7b151009ef33")
            with db.engine.begin() as conn:
                user = conn.execute(
                    text(
                        "INSERT INTO users (email, display_name, role, mass_unit, height_unit,"
                        " time_zone, created_at) VALUES ('sam@example.com', 'Sam', 'athlete',"
                        " 'kg', 'cm', 'UTC', :now) RETURNING id"
                    ),
                    {"now": "2026-11-01T10:00:00+00:00"},
                ).scalar()
                posts = [
                    conn.execute(
                        text(
                            "INSERT INTO posts (user_id, client_id, movement, visibility, status,"
                            " queued_at, attempts, like_count, created_at) VALUES (:user,"
                            " :client, 'squat', 'public', :status, :queued, 0, 0,"
                            " '2026-11-01T10:00:00+00:00') RETURNING id"
                        ),
                        {"user": user, "client": client, "status": status, "queued": queued},
                    ).scalar()
                    for client, status, queued in [
                        ("waiting", "processing", None),
                        ("handed", "processing", "2026-11-01T10:00:01+00:00"),
                        ("done", "ready", None),
                    ]
                ]
                meet = conn.execute(
                    text(
                        "INSERT INTO meets (user_id, client_id, name, meet_date, federation,"
                        " created_at, updated_at) VALUES (:user, 'm-1', 'Nationals',"
                        " '2027-03-20', 'IPF', '2026-11-01', '2026-11-01') RETURNING id"
                    ),
                    {"user": user},
                ).scalar()
                for kind, enqueued in [
                    ("weeks-4", None),
                    ("weeks-1", None),
                    ("day-1", "2026-11-01"),
                ]:
                    conn.execute(
                        text(
                            "INSERT INTO reminders (user_id, meet_id, kind, due_at, status,"
                            " enqueued_at) VALUES (:user, :meet, :kind, '2027-03-01', 'scheduled',"
                            " :enqueued)"
                        ),
                        {"user": user, "meet": meet, "kind": kind, "enqueued": enqueued},
                    )
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT name, payload, enqueued_at FROM outbox_events ORDER BY id")
                ).all()
            db.engine.dispose()
        decoded = [
            (name, payload if isinstance(payload, dict) else json.loads(payload), at)
            for name, payload, at in rows
        ]
        assert decoded == [
            ("media.uploaded", {"post_id": posts[0], "user_id": user}, None),
            ("meet.changed", {"meet_id": meet, "user_id": user, "meet_date": "2027-03-20"}, None),
        ]
        for name, payload, _ in decoded:
            events.validate(name, payload)  # what the relay's handlers will be given
    finally:
        drop()
