"""An athlete creates a meet 12 weeks out, logs a full session on a phone, and the next
session's load follows the RPE they logged."""

from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Plan, Reminder, WorkoutSet
from app.services import history, reminders
from app.web.onboarding.base import local_today
from tests.e2e.conftest import sign_in
from tests.e2e.test_accounts import settled
from tests.services.test_history import text
from tests.services.test_reminders import saved_meet
from tests.services.test_training import onboarded_athlete


def test_meet_plan_full_session_summary_and_autoregulation(
    page: Page, live_server, db, screenshots
):
    user = onboarded_athlete()
    sign_in(page, live_server, user.email)
    expect(page.get_by_role("heading", name="Set your meet")).to_be_visible()
    page.get_by_role("link", name="Add your meet").click()
    meet_day = local_today("UTC") + timedelta(weeks=12)
    page.get_by_label("Meet name").fill("Nationals")
    page.get_by_label("Meet date").fill(meet_day.isoformat())
    page.get_by_label("Location").fill("Leeds")
    page.get_by_role("button", name="Save and build my plan").click()
    expect(page.locator("#countdown")).to_have_text("12 weeks (84 days)")
    expect(page.get_by_text("Base", exact=True)).to_be_visible()
    page.screenshot(path=screenshots / "plan.png")

    page.get_by_role("link", name="Start session").click()
    expect(page.locator(".set-form").first).to_be_visible()
    plan = db.session.scalar(select(Plan))
    session = plan.sessions[0]
    logged = 0
    for exercise in session.exercises:
        card = page.locator(
            ".exercise", has=page.get_by_role("heading", name=exercise.name, exact=True)
        )
        for _ in range(exercise.sets):
            settled(page)
            form = card.locator("form.set-form")
            if exercise.load_kg is None:  # accessories: the athlete types the weight
                form.get_by_label("Weight").fill("40")
            if exercise.kind == "top set" and exercise.lift == session.exercises[0].lift:
                form.get_by_label("RPE").fill(
                    str(exercise.rpe + Decimal("1.5"))
                )  # harder than planned
            form.get_by_role("button", name="Log set").click()
            logged += 1
            expect(page.locator("[id^=set-row-]")).to_have_count(logged)
    expect(page.locator(".rest-timer")).to_be_visible()
    page.screenshot(path=screenshots / "workout.png")
    page.get_by_label("Notes").fill("Top set moved slow")
    page.get_by_role("button", name="Complete workout").click()

    first_lift = session.exercises[0].lift
    expect(page.get_by_role("heading", name=session.title)).to_be_visible()
    expect(page.locator(f"#summary-{first_lift} .e1rm")).to_contain_text("e1RM")
    page.screenshot(path=screenshots / "summary.png")
    assert db.session.scalar(select(WorkoutSet).limit(1)) is not None

    page.get_by_role("link", name="Back to the plan").click()
    # The next session with that lift prescribes less, and says why
    later = next(s for s in plan.sessions[1:] if any(e.lift == first_lift for e in s.exercises))
    week = page.locator(f"details.week:has(a[href='/planner/sessions/{later.id}'])")
    if not week.evaluate("el => el.open"):
        week.locator("summary").click()
    page.locator(f"a[href='/planner/sessions/{later.id}']").click()
    expect(page.get_by_text(f"{first_lift.capitalize()} e1RM down").first).to_be_visible()
    planned = next(e for e in later.exercises if e.lift == first_lift and e.kind == "top set")
    shown = page.locator(".prescriptions li", has_text=planned.name).first
    expect(shown).not_to_contain_text(f"{planned.load_kg.normalize():f} kg")


def test_progress_charts_and_points_from_imported_history(page: Page, live_server, db, screenshots):
    user = onboarded_athlete()
    history.import_export(user, text("strong_semicolon_lbs_rpe_weightunit_2022.csv"))
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server}/planner/progress")
    for lift in ("squat", "bench", "deadlift"):
        expect(page.locator(f"#progress-{lift} canvas")).to_have_count(1)  # uPlot drew it
    expect(page.locator("#points-dots")).not_to_be_empty()
    page.screenshot(path=screenshots / "progress.png")


def test_a_delivered_reminder_rings_the_bell(page: Page, live_server, db):
    user = onboarded_athlete()
    saved_meet(user)
    reminder = db.session.scalar(select(Reminder).filter_by(kind="weeks-2"))
    reminders.deliver(reminder.id, int(reminder.due_at.timestamp()))
    sign_in(page, live_server, user.email)
    expect(page.locator("#unread-count")).to_have_text("1")
    page.get_by_role("link", name="Notifications, 1 unread").click()
    expect(page.get_by_text("Nationals: 2 weeks to go")).to_be_visible()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#unread-count")).to_have_count(0)
