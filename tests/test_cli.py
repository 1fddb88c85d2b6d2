"""The flask commands of DESIGN.md section 7: seed-demo (idempotent), create-user, create-coach."""

from datetime import timedelta

from sqlalchemy import func, select

from app.models import Comment, Follow, Meet, Plan, Post, User, Workout, WorkoutSet
from app.services import accounts


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_is_idempotent_and_lived_in(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "athlete@meetday.test" in first.output and "coach@meetday.test" in first.output
    models = (User, Meet, Plan, Workout, WorkoutSet, Post, Comment, Follow)
    counts = [count(db, m) for m in models]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert [count(db, m) for m in models] == counts
    assert counts[-2:] == [2, 1]  # a comment thread, and the coach follows the athlete
    demo_posts = db.session.scalars(select(Post)).all()
    assert [(p.status, p.like_count) for p in demo_posts] == [("ready", 1), ("ready", 1)]
    meet = db.session.scalar(select(Meet))
    athlete = accounts.find_by_email("athlete@meetday.test")
    assert meet.meet_date - athlete.created_at.date() == timedelta(weeks=10)
    assert counts[3] >= 10 and counts[4] >= 100  # weeks of history from the importer
    assert accounts.find_by_email("coach@meetday.test").role == "coach"


def test_create_user_and_create_coach(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-coach",
            "--email",
            "Dana@Example.com",
            "--name",
            "Dana",
            "--password",
            "spotter-on-duty",
        ]
    )
    assert result.exit_code == 0, result.output
    assert accounts.find_by_email("dana@example.com").role == "coach"
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "ops@example.com",
            "--name",
            "Ops",
            "--password",
            "admin-on-call!",
            "--role",
            "admin",
        ]
    )
    assert (
        result.exit_code == 0
        and accounts.authenticate("ops@example.com", "admin-on-call!").role == "admin"
    )


def test_create_user_keeps_the_sign_up_password_rules_and_an_existing_role(app, db):
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["create-user", "--email", "ops@example.com", "--name", "Ops", "--password", "x"]
    )
    assert weak.exit_code == 2 and "Use at least 10 characters." in weak.output
    assert accounts.find_by_email("ops@example.com") is None
    args = ["--email", "dana@example.com", "--name", "Dana", "--password", "spotter-on-duty"]
    assert runner.invoke(args=["create-coach", *args]).exit_code == 0
    reset = runner.invoke(args=["create-user", *args[:-1], "new-spotter-2027"])  # no --role
    assert reset.exit_code == 0 and "coach dana@example.com ready" in reset.output
    assert accounts.authenticate("dana@example.com", "new-spotter-2027").role == "coach"
