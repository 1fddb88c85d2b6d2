"""On a phone: an athlete messages their coach, who sees it live in a second browser and
replies; the athlete pins their attempts; a completed workout gets a comment from Coach (AI)."""

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Post
from app.services import planner, posts, social
from app.web.onboarding.base import local_today
from tests.conftest import make_user, shared_file
from tests.e2e.conftest import sign_in
from tests.services.test_coach_ai import run_ai_jobs
from tests.services.test_training import onboarded_athlete


def test_chat_with_the_coach_pins_attempts_and_coach_ai_comments(
    page: Page, browser, browser_context_args, live_server, db, screenshots
):
    athlete = onboarded_athlete()
    athlete.display_name = "Sam Okafor"
    coach = make_user("dana@example.com", role="coach", display_name="Dana Reyes")
    social.link_coach(coach, athlete)
    today = local_today("UTC")
    meet = {"name": "Nationals", "meet_date": today + timedelta(weeks=8), "federation": "IPF"}
    planner.save_meet(athlete, meet, "22222222-2222-4222-8222-222222222222", today)

    sign_in(page, live_server, athlete.email)
    page.goto(f"{live_server}/messages")
    page.get_by_role("button", name="Dana Reyes").click()
    expect(page.get_by_role("heading", name="Dana Reyes")).to_be_visible()

    coach_context = browser.new_context(**browser_context_args)
    coach_page = coach_context.new_page()
    try:
        sign_in(coach_page, live_server, coach.email)
        coach_page.goto(f"{live_server}/messages")
        coach_page.get_by_role("button", name="Sam Okafor").click()
        expect(coach_page.get_by_role("heading", name="Sam Okafor")).to_be_visible()

        page.get_by_label("Message").fill("Squat felt heavy today. Opener still 200?")
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".message.mine")).to_contain_text("Opener still 200?")
        expect(page.get_by_label("Message")).to_have_value("")  # ready for the next one

        # the coach's open chat shows it without a reload, within 5 s (polls every 3 s)
        expect(coach_page.locator(".message.theirs")).to_contain_text(
            "Opener still 200?", timeout=5_000
        )
        coach_page.get_by_label("Message").fill("Yes. Keep the opener; we'll adjust the third.")
        coach_page.get_by_role("button", name="Send").click()
        expect(page.locator(".message.theirs")).to_contain_text("Keep the opener", timeout=5_000)
        expect(page.locator(".message.mine .message-meta")).to_contain_text("Seen")

        # a phone photo goes through the media pipeline; the coach sees it upright
        page.locator("#attachment").set_input_files(
            str(shared_file("realdata", "photo_samsung_exif_orientation6.jpg"))
        )
        page.get_by_label("Message").fill("Bar path from the side")
        page.get_by_role("button", name="Send").click()
        expect(page.locator(".message.mine").last).to_contain_text("Bar path from the side")
        attached = db.session.scalar(select(Post).filter_by(visibility="message"))
        if attached.status == "processing":  # a worker's job with Redis; inline without
            assert posts.process(attached.id) == "ready"
        photo = coach_page.locator(".message.theirs img.message-photo")
        expect(photo).to_be_visible(timeout=5_000)
        assert photo.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [480, 640]
        coach_page.screenshot(path=screenshots / "chat-coach.png")
    finally:
        coach_context.close()

    # Pin the attempts: prefilled from the planner's attempt selection, then adjusted
    page.locator("#pin-editor summary").click()
    opener = page.get_by_label("Squat opener")
    expect(opener).not_to_have_value("")
    opener.fill("200")
    page.get_by_label("Squat second").fill("210")
    page.get_by_label("Squat third").fill("217.5")
    page.get_by_role("button", name="Pin attempts").click()
    pinned = page.locator("#pinned")
    expect(pinned.locator("td").nth(2)).to_have_text("217.5")
    page.screenshot(path=screenshots / "chat-pinned.png", full_page=True)
    page.goto(f"{live_server}/messages")
    expect(page.locator(".pin-card td").nth(2)).to_have_text("217.5")  # one tap away on meet day

    # Complete a session: Coach (AI) comments on it in the athlete's chat with it
    page.goto(f"{live_server}/planner")
    page.get_by_role("link", name="Start session").click()
    page.locator("form.set-form").first.get_by_role("button", name="Log set").click()
    expect(page.locator("[id^=set-row-]")).to_have_count(1)
    page.get_by_role("button", name="Complete workout").click()
    expect(page.get_by_role("link", name="Back to the plan")).to_be_visible()
    run_ai_jobs()  # the worker's part (in-process without Redis it already ran)
    page.goto(f"{live_server}/messages")
    page.locator(".conversation", has_text="Coach").filter(has_text="AI").click()
    expect(page.locator(".message.theirs").last).to_contain_text("Workout of")
    page.screenshot(path=screenshots / "chat-coach-ai.png", full_page=True)
