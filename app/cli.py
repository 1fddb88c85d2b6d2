"""Flask commands: create-user, create-coach, seed-demo, relay, build-assets, doctor."""

from __future__ import annotations

import click
from flask import Flask

from app import assets, service_worker
from app.services import accounts, demo


def init_app(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--email", prompt=True)
    @click.option("--name", "display_name", prompt="Display name")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option(
        "--role",
        type=click.Choice(["athlete", "coach", "admin"]),
        help="New accounts default to athlete; an existing account keeps its role unless given.",
    )
    def create_user(email, display_name, password, role):
        """Create an account, or reset an existing one's password and name (and role, with
        --role). The password follows the sign-up rules; it is asked for when not given."""
        try:
            user = accounts.create_user(email, password, display_name, role)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--password") from None
        click.echo(f"{user.role} {user.email} ready")

    @app.cli.command("create-coach")
    @click.option("--email", prompt=True)
    @click.option("--name", "display_name", prompt="Display name")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def create_coach(email, display_name, password):
        """Create a coach account, or make an existing account a coach (resetting its
        password and name). The password follows the sign-up rules."""
        try:
            user = accounts.create_user(email, password, display_name, "coach")
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--password") from None
        click.echo(f"coach {user.email} ready")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Add the demo athlete and coach (idempotent) and print their logins."""
        for login in demo.seed():
            click.echo(f"  {login.role:8} {login.email}  password: {login.password}")

    @app.cli.command("relay")
    def relay():
        """Hand outbox events waiting for a relay to RQ now, and again those whose job RQ lost
        (the workers do this every few seconds; this is for a shell)."""
        from app.services import events

        lost, total = events.requeue_lost(), 0
        while handed := events.dispatch_pending():
            total += handed
        click.echo(f"relayed {total} event(s), {lost} of them again after RQ lost their job")

    @app.cli.command("build-assets")
    def build_assets():
        """Bundle htmx (from node_modules) with our JS and CSS into static/gen/, then the service
        worker (Workbox) that precaches them."""
        for url in assets.build(app):
            click.echo(f"built {url}")
        summary = service_worker.build(app)
        click.echo(
            f"built sw.js: {summary['precached']} files ({summary['bytes']} bytes) precached, "
            f"{summary['workbox']}"
        )

    @app.cli.command("doctor")
    def doctor():
        """Check settings, database and migrations, Redis and workers, media storage, ffmpeg,
        the LLM endpoint and Web Push keys; one line each. Exits 1 when any check fails."""
        from app import doctor as checks

        results = checks.run()
        for result in results:
            click.echo(result.line())
        failed = [r for r in results if r.status == checks.FAIL]
        if failed:
            click.echo(f"{len(failed)} check(s) failed.")
            raise SystemExit(1)
        click.echo("All checks passed.")
