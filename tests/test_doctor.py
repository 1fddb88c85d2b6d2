"""`flask doctor`: one line per check, exit status 1 when any fails, and what to do about it."""

import pytest

from app.services import video
from tests.llm_server import LlmServer


def doctor(app):
    with app.app_context():  # else the command runs in whichever app's context is current
        result = app.test_cli_runner().invoke(args=["doctor"])
    lines = {line.split()[1]: line for line in result.output.splitlines() if line[:4].strip()}
    return result.exit_code, lines, result.output


def test_a_healthy_app_passes(app, db):
    code, lines, output = doctor(app)
    assert code == 0, output
    assert output.rstrip().endswith("All checks passed.")
    for name in ("config", "secret", "database", "migrations", "redis", "storage", "ffmpeg"):
        assert lines[name].startswith("ok "), output
    assert lines["llm"].startswith("ok ") and "rule-based coach" in lines["llm"]


def test_a_missing_ffmpeg_fails_with_what_to_do(app, db, monkeypatch):
    monkeypatch.setattr(video, "ffmpeg_binary", lambda: "/nowhere/ffmpeg")
    code, lines, output = doctor(app)
    assert code == 1
    assert lines["ffmpeg"].startswith("FAIL") and "install ffmpeg" in lines["ffmpeg"]
    assert "1 check(s) failed." in output


def test_an_unmigrated_database_fails_with_what_to_do(app_factory, tmp_path):
    empty = app_factory(f"sqlite:///{tmp_path / 'empty.db'}")
    code, lines, output = doctor(empty)
    assert code == 1
    assert lines["migrations"].startswith("FAIL")
    assert "none applied" in lines["migrations"] and "db upgrade" in lines["migrations"]


def test_a_database_behind_the_code_fails(app_factory, tmp_path):
    import flask_migrate
    from alembic.script import ScriptDirectory

    behind = app_factory(f"sqlite:///{tmp_path / 'behind.db'}")
    with behind.app_context():
        config = behind.extensions["migrate"].migrate.get_config()
        [head] = ScriptDirectory.from_config(config).get_revisions("head")
        flask_migrate.stamp(revision=head.down_revision)  # as if the release phase never ran
    code, lines, _ = doctor(behind)
    assert code == 1 and lines["migrations"].startswith("FAIL")
    assert "database at " in lines["migrations"] and "code at " in lines["migrations"]


def test_production_without_redis_fails(app_factory, monkeypatch, db):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    production = app_factory(MEETDAY_ENV="production", TESTING=False, REDIS_URL=None)
    code, lines, _ = doctor(production)
    assert code == 1
    assert lines["redis-conf"].startswith("FAIL") and "set REDIS_URL" in lines["redis-conf"]
    assert lines["secret"].startswith("ok ")


@pytest.mark.parametrize(("model", "healthy"), [("test-model", True), ("gpt-nope", False)])
def test_a_configured_llm_is_asked_for_its_models(app_factory, db, model, healthy):
    with LlmServer() as server:
        app = app_factory(LLM_BASE_URL=server.url, LLM_MODEL=model, LLM_API_KEY="sk-test")
        code, lines, output = doctor(app)
        assert server.requests == [] or all(
            r["path"] != "/v1/chat/completions" for r in server.requests
        )
    if healthy:
        assert code == 0 and lines["llm"].startswith("ok ") and "serves test-model" in output
    else:
        assert code == 1 and lines["llm"].startswith("FAIL") and "test-model" in lines["llm"]


def test_an_unreachable_llm_fails_fast(app_factory, db):
    from tests.oidc import closed_port

    app = app_factory(LLM_BASE_URL=f"http://127.0.0.1:{closed_port()}/v1", LLM_MODEL="m")
    code, lines, _ = doctor(app)
    assert code == 1 and "unreachable" in lines["llm"] and "LLM_BASE_URL" in lines["llm"]


def test_web_push_keys_are_checked_when_set(app_factory, db):
    from tests.push_service import vapid_settings

    code, lines, _ = doctor(app_factory(**vapid_settings()))
    assert code == 0 and lines["web-push"].startswith("ok ") and "pair" in lines["web-push"]


def test_outbox_events_nobody_relays_and_failed_ones_are_reported(app, db):
    from datetime import timedelta

    from app.models import OutboxEvent
    from app.models.types import utcnow
    from app.services import events

    waiting = events.record("workout.completed", {"workout_id": 1, "user_id": 1})
    failed = events.record("workout.completed", {"workout_id": 2, "user_id": 1})
    db.session.flush()
    waiting.created_at = utcnow() - timedelta(minutes=20)  # no relay picked it up
    failed.enqueued_at = failed.failed_at = utcnow()
    db.session.commit()
    code, lines, output = doctor(app)
    assert lines["outbox"].startswith("WARN") and "1 event(s) waiting over 5 min" in output
    assert lines["jobs"].startswith("WARN") and "1 failed event(s): see /admin/jobs" in output
    assert code == 0  # warnings: the app can serve
    db.session.delete(db.session.get(OutboxEvent, waiting.id))
    db.session.delete(db.session.get(OutboxEvent, failed.id))
    db.session.commit()
    code, lines, output = doctor(app)
    assert lines["outbox"].startswith("ok ") and "none failed" in lines["outbox"]


def test_production_without_a_secret_key_says_so_in_one_line(tmp_path):
    """Even the doctor can't build the app then: the entry point says what to set."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(MEETDAY_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "doctor"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Meetday can't start: SECRET_KEY must be set when MEETDAY_ENV=production"
    ]
