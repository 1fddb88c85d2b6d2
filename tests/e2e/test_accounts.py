"""A new athlete signs up, onboards in lb, signs out and back in; another uses OpenID Connect."""

from decimal import Decimal

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import AthleteProfile, User
from tests.e2e.conftest import settled, sign_in
from tests.oidc import set_claims


def check(page: Page, name: str, value: str) -> None:
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def test_sign_up_onboard_in_lb_sign_out_and_back_in(page: Page, live_server, db, screenshots):
    page.goto(f"{live_server}/auth/sign-up")
    page.get_by_label("Your name").fill("Jordan Reyes")
    page.get_by_label("Email").fill("jordan@example.com")
    page.get_by_label("Password").fill("bar path matters")
    page.get_by_role("button", name="Create account").click()

    # Step 1: units, body; the time zone comes from the browser
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    expect(page.locator("#time_zone")).to_have_value("America/Chicago")
    check(page, "mass_unit", "lb")
    check(page, "height_unit", "ftin")
    check(page, "sex", "M")
    page.get_by_label("Age").fill("31")
    page.get_by_label("Bodyweight").fill("198")
    expect(page.locator("#bodyweight-field .if-lb")).to_be_visible()
    page.get_by_label("Feet").fill("5")
    page.get_by_label("Inches").fill("11")
    page.screenshot(path=screenshots / "onboarding-step1.png")
    page.get_by_role("button", name="Continue").click()

    # Step 2: a bad entry first, corrected where it was typed
    expect(page.get_by_role("heading", name="Your meet")).to_be_visible()
    settled(page)
    page.locator("#federation").select_option("USAPL")
    expect(page.locator('#weight_class option[value="140+"]')).to_be_attached()
    page.get_by_label("…or weeks to go").fill("0")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#weeks_to_meet-error")).to_have_text("Enter between 1 and 104 weeks.")
    page.get_by_label("…or weeks to go").fill("10")
    page.locator("#weight_class").select_option("90")
    check(page, "weight_plan", "maintain")
    page.get_by_role("button", name="Continue").click()

    # Step 3: lifts in lb
    expect(page.get_by_role("heading", name="Your lifts")).to_be_visible()
    for lift, best, goal in (
        ("squat", "385", "405"),
        ("bench", "245", "265"),
        ("deadlift", "455", "500"),
    ):
        page.locator(f"#{lift}_best").fill(best)
        page.locator(f"#{lift}_goal").fill(goal)
    check(page, "most_important_lift", "squat")
    check(page, "least_important_lift", "bench")
    page.screenshot(path=screenshots / "onboarding-lifts.png")
    page.get_by_role("button", name="Continue").click()

    # Step 4: training
    expect(page.get_by_role("heading", name="How you train")).to_be_visible()
    check(page, "days_per_week", "4")
    for name, value in (
        ("squat_recovery", "4"),
        ("bench_recovery", "5"),
        ("deadlift_recovery", "2"),
        ("recovers_from_heavy_deadlifts", "no"),
        ("deadlift_style", "sumo"),
        ("squat_stance", "medium"),
        ("knee_sleeves", "yes"),
    ):
        check(page, name, value)
    page.get_by_role("button", name="Continue").click()

    # Step 5: health and sharing
    expect(page.get_by_role("heading", name="Health and sharing")).to_be_visible()
    page.get_by_label("Injuries or niggles").fill("Left knee, 2024")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_text("Your profile is ready, and so is your plan")).to_be_visible()
    expect(page.locator("#countdown")).to_have_text("10 weeks (70 days)")  # the plan is built

    # Sign out, sign in again, open the profile from the tab bar
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    sign_in(page, live_server, "jordan@example.com", "bar path matters")
    expect(page.locator(".tabbar")).to_be_visible()
    page.locator(".tabbar").get_by_role("link", name="Profile").click()
    goal = page.locator("#lift-squat .goal")
    expect(goal).to_contain_text("405 lb")
    expect(goal).to_contain_text("183.7 kg")
    page.screenshot(path=screenshots / "profile.png")

    stored = db.session.scalar(select(AthleteProfile))
    assert stored.squat_goal_kg.quantize(Decimal("0.01")) == Decimal("183.70")  # 405 x 0.45359237
    assert stored.is_complete and stored.weight_class == "90" and stored.federation == "USAPL"


def test_sign_in_through_the_openid_provider(page: Page, live_server, issuer, db):
    set_claims(
        issuer, "oidc-e2e-1", email="river@example.com", email_verified=True, name="River Stone"
    )
    page.goto(f"{live_server}/auth/sign-in")
    page.get_by_role("link", name="Sign in with Test ID").click()
    page.locator('input[name="sub"]').fill("oidc-e2e-1")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    expect(page.get_by_text("River Stone")).to_be_attached()
    user = db.session.scalar(select(User))
    assert (user.email, user.identities[0].subject) == ("river@example.com", "oidc-e2e-1")
