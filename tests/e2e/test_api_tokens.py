"""An athlete makes an API token on their profile page in Chromium, sees it once, logs a set
with it from a script (Playwright's request API: no cookies, just the token), and revokes it
on the page, after which the script is refused."""

import uuid

from playwright.sync_api import Page, Playwright, expect
from sqlalchemy import select

from app.models import ApiToken, WorkoutSet
from tests.e2e.conftest import settled, sign_in
from tests.services.test_training import onboarded_athlete


def test_make_use_and_revoke_an_api_token(
    page: Page, playwright: Playwright, live_server, db, screenshots
):
    athlete = onboarded_athlete()
    sign_in(page, live_server, athlete.email)
    page.goto(f"{live_server}/profile")
    section = page.locator("#api-tokens")
    expect(section.get_by_role("heading", name="API tokens")).to_be_visible()
    settled(page)
    section.get_by_label("Token name").fill("Training log sync")
    section.get_by_role("radio", name="Read and write").check()
    section.get_by_role("button", name="Make a token").click()
    expect(page.locator("#api-token-created")).to_contain_text("won't be shown again")
    secret = page.get_by_label("Your new API token").input_value()
    assert secret.startswith("md_") and len(secret) == 46
    expect(page.locator("#api-token-list")).to_contain_text("Training log sync")
    page.locator("#api-tokens").screenshot(path=screenshots / "profile-api-token.png")

    page.reload()  # shown once: never again
    expect(page.locator("#api-token-list")).to_contain_text(secret[:10])
    assert secret not in page.content()

    script = playwright.request.new_context(
        base_url=live_server, extra_http_headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        started = script.post(
            "/api/v1/workouts",
            data={"title": "Scripted squats"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert started.status == 201, started.text()
        workout = started.json()
        key = str(uuid.uuid4())
        body = {"exercise": "Squat", "lift": "squat", "load_kg": 150, "reps": 5, "rpe": 7.5}
        logged = script.post(
            f"/api/v1/workouts/{workout['id']}/sets", data=body, headers={"Idempotency-Key": key}
        )
        again = script.post(
            f"/api/v1/workouts/{workout['id']}/sets", data=body, headers={"Idempotency-Key": key}
        )
        assert logged.status == again.status == 201 and logged.json() == again.json()
        assert logged.json()["load_kg"] == 150 and logged.json()["e1rm_kg"] is not None
        assert db.session.scalar(select(WorkoutSet).filter_by(client_id=key)).reps == 5

        page.get_by_role("button", name="Revoke Training log sync").click()
        expect(page.locator("#api-token-list")).to_contain_text("revoked")
        token = db.session.scalar(select(ApiToken).filter_by(name="Training log sync"))
        db.session.refresh(token)
        assert token.revoked_at is not None

        refused = script.get("/api/v1/me")
        assert refused.status == 401 and "error" in refused.json()
    finally:
        script.dispose()
