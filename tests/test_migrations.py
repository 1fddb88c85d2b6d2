"""Migrations: every one applies to an empty database, and they agree with the models."""

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
