"""An admin, on a phone, finds a coach, makes them an athlete, and reads the failed sign-in
that came before in the audit."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import User
from tests.conftest import make_user
from tests.e2e.conftest import settled, sign_in


def test_an_admin_changes_a_role_and_reads_the_sign_in_audit(
    page: Page, live_server, db, screenshots
):
    make_user("root@example.com", role="admin", display_name="Ada Admin")
    make_user("dana@example.com", role="coach", display_name="Dana Coach")
    make_user("dan@example.com", display_name="Dan Athlete")

    # Someone mistypes Dana's password first
    sign_in(page, live_server, "dana@example.com", "not her password")
    expect(page.get_by_text("That email and password don't match an account.")).to_be_visible()

    sign_in(page, live_server, "root@example.com")
    page.goto(f"{live_server}/admin")
    page.screenshot(path=screenshots / "admin-home.png", full_page=True)
    page.get_by_role("link", name="Users and roles").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(page.locator("#user-results li")).to_have_count(3)

    # The search narrows the list as the admin types (htmx swaps only the results)
    settled(page)
    page.get_by_label("Search by email or name").fill("dana")
    expect(page.locator("#user-results li")).to_have_count(1)
    expect(page).to_have_url(f"{live_server}/admin/users?q=dana")
    page.screenshot(path=screenshots / "admin-users.png", full_page=True)
    page.get_by_role("link", name="Dana Coach").click()

    expect(page.get_by_role("heading", name="Dana Coach")).to_be_visible()
    expect(page.locator('input[name="role"][value="coach"]')).to_be_checked()
    page.locator('input[name="role"][value="athlete"]').check()
    page.get_by_role("button", name="Save role").click()
    expect(page.get_by_text("Dana Coach is now an athlete.")).to_be_visible()
    expect(page.locator('input[name="role"][value="athlete"]')).to_be_checked()
    page.screenshot(path=screenshots / "admin-user.png", full_page=True)
    db.session.expire_all()
    assert db.session.scalar(select(User.role).filter_by(email="dana@example.com")) == "athlete"

    # The failed attempt is in the audit, under Dana's account
    page.get_by_role("link", name="← Users").click()
    page.get_by_role("link", name="← Admin").click()
    page.get_by_role("link", name="Sign-in audit").click()
    page.get_by_role("link", name="Failures only").click()
    failures = page.locator(".login-failed")
    expect(failures).to_have_count(1)
    expect(failures).to_contain_text("dana@example.com")
    expect(failures).to_contain_text("Failed")
    expect(failures.get_by_role("link", name="Dana Coach")).to_be_visible()
    page.screenshot(path=screenshots / "admin-logins.png", full_page=True)
    page.get_by_role("link", name="All", exact=True).click()
    expect(page.locator(".login-ok")).to_have_count(1)  # the admin's own sign-in
