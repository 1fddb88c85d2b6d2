"""On a phone: a coach invites an athlete, the athlete accepts, the coach changes a planned
session and the athlete sees the change on their plan."""

from datetime import timedelta

from playwright.sync_api import Page, expect

from app.services import planner
from app.web.onboarding.base import local_today
from tests.conftest import make_user
from tests.e2e.conftest import sign_in
from tests.services.test_training import onboarded_athlete


def test_invite_accept_and_edit_a_session(
    page: Page, browser, browser_context_args, live_server, db, screenshots
):
    coach = make_user("dana@example.com", role="coach", display_name="Dana Reyes")
    athlete = onboarded_athlete()
    athlete.display_name = "Sam Okafor"
    db.session.commit()
    today = local_today("UTC")
    meet = {"name": "Nationals", "meet_date": today + timedelta(weeks=8), "federation": "IPF"}
    plan = planner.save_meet(athlete, meet, "44444444-4444-4444-8444-444444444444", today).meet.plan
    session = plan.sessions[0]
    top = next(e for e in session.exercises if e.kind == "top set")

    sign_in(page, live_server, coach.email)
    page.get_by_role("link", name="Athletes").first.click()
    expect(page.get_by_role("heading", name="Your athletes")).to_be_visible()
    page.get_by_role("button", name="New invite").click()
    link = page.locator(".invite-link").first.input_value()
    assert "/coach/join/" in link

    athlete_context = browser.new_context(**browser_context_args)
    athlete_page = athlete_context.new_page()
    try:
        sign_in(athlete_page, live_server, athlete.email)
        athlete_page.goto(link)
        expect(athlete_page.get_by_role("heading", name="Join Dana Reyes's team?")).to_be_visible()
        athlete_page.get_by_role("button", name="Accept").click()
        expect(athlete_page.get_by_text("Dana Reyes is now your coach.")).to_be_visible()

        page.reload()
        card = page.locator(f"#athlete-{athlete.id}")
        expect(card).to_contain_text("Sam Okafor")
        expect(card).to_contain_text("8 weeks (56 days) to Nationals")
        page.screenshot(path=screenshots / "coach-roster.png", full_page=True)
        card.click()
        page.locator(f"#coach-session-{session.id}").get_by_role("link", name="Edit").click()
        page.get_by_label("Load").nth([e.id for e in session.exercises].index(top.id)).fill("150")
        page.get_by_role("button", name="Save session").click()
        expect(page.get_by_text("session on")).to_be_visible()
        expect(page.locator(f"#coach-session-{session.id}")).to_contain_text("150 kg")

        athlete_page.goto(f"{live_server}/planner")
        expect(athlete_page.locator(f"#session-{session.id}")).to_contain_text("150 kg")
        athlete_page.screenshot(path=screenshots / "athlete-plan-after-coach.png")
    finally:
        athlete_context.close()
