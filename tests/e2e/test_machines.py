"""Machine notes on a phone: an athlete notes how they set up a hack squat and shares it; a
second lifter finds it by searching, copies it (the copy is private and theirs to change),
and never finds or opens the athlete's private note."""

import uuid

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import MachineNote
from app.services import machines
from tests.conftest import make_athlete, make_user
from tests.e2e.conftest import settled, sign_in


def test_share_search_and_copy_a_machine_note(
    page: Page, browser, browser_context_args, live_server, db, screenshots
):
    athlete = make_athlete("sam@example.com", display_name="Sam Okafor")
    private = machines.create_note(
        athlete,
        {
            "brand": "Atlantis",
            "model": "Leg Press C-105",
            "machine_type": "leg_press",
            "settings": [{"name": "Seat", "value": "4"}],
            "is_public": False,
        },
        str(uuid.uuid4()),
    )
    make_user("riley@example.com", role="coach", display_name="Riley Chen")

    sign_in(page, live_server, athlete.email)
    page.goto(f"{live_server}/tools")
    page.get_by_role("link", name="Machine notes").click()
    expect(page.get_by_role("heading", name="My machines")).to_be_visible()
    page.get_by_role("link", name="New note").click()
    page.get_by_label("Brand").fill("Hammer Strength")
    page.get_by_label("Model").fill("Plate-Loaded Hack Squat")
    page.get_by_label("Type").select_option("hack_squat")
    page.get_by_label("Gym").fill("Iron Works Leeds")
    for n, (name, value) in enumerate(
        [("Back pad", "3"), ("Safety stops", "7"), ("Foot plate", "high")], start=1
    ):
        page.get_by_label(f"Setting {n} name").fill(name)
        page.get_by_label(f"Setting {n} value").fill(value)
    page.get_by_label("Setting 4 value").fill("12")  # a value without a name: told at the row
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#setting-4-error")).to_have_text("Name this setting, e.g. Seat.")
    page.screenshot(path=screenshots / "machine-form-error.png", full_page=True)
    page.get_by_label("Setting 4 name").fill("Shoulder pads")
    page.get_by_label("Notes").fill("Safeties at 7 catch just below parallel.")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name="Hammer Strength Plate-Loaded Hack Squat")
    ).to_be_visible()
    expect(page.locator(".machine-setting")).to_have_count(4)
    expect(page.locator(".machine-meta .badge")).to_have_text("Only me")

    # share it
    page.get_by_role("link", name="Edit").click()
    page.get_by_role("radio", name="Everyone").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".machine-meta .badge")).to_have_text("Public")
    page.screenshot(path=screenshots / "machine-show.png", full_page=True)
    page.get_by_role("link", name="My machines").click()
    expect(page.locator(".machine-card")).to_have_count(2)
    page.screenshot(path=screenshots / "machine-list.png", full_page=True)
    shared = db.session.scalar(select(MachineNote).filter_by(brand="Hammer Strength"))
    assert shared.is_public and shared.settings[1] == {"name": "Safety stops", "value": "7"}

    other_context = browser.new_context(**browser_context_args)
    other = other_context.new_page()
    try:
        sign_in(other, live_server, "riley@example.com")
        other.goto(f"{live_server}/tools/machines")
        other.get_by_role("link", name="Find shared notes").click()
        other.get_by_label("Brand").fill("hammer")
        other.get_by_role("button", name="Search").click()
        expect(other).to_have_url(
            f"{live_server}/tools/machines/search?brand=hammer&model=&machine_type=&gym="
        )
        results = other.locator("#machine-results .machine-card")
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text("by Sam Okafor")
        other.screenshot(path=screenshots / "machine-search.png", full_page=True)

        other.get_by_label("Brand").fill("atlantis")  # the private note stays private
        other.get_by_role("button", name="Search").click()
        expect(other.locator("#machine-results")).to_contain_text("No shared notes match")
        missing = other.goto(f"{live_server}/tools/machines/{private.id}")
        assert missing.status == 404

        other.goto(f"{live_server}/tools/machines/search?brand=hammer")
        other.locator("#machine-results .machine-card").first.click()
        expect(other.get_by_text("Shared by Sam Okafor")).to_be_visible()
        other.get_by_role("button", name="Copy to my machines").click()
        expect(other.locator(".flash-success")).to_contain_text("Copied to your machines")
        expect(other.locator(".machine-meta .badge")).to_have_text("Only me")
        expect(other.get_by_role("link", name="Sam Okafor's note")).to_be_visible()
        other.screenshot(path=screenshots / "machine-copied.png", full_page=True)

        other.get_by_role("link", name="Edit").click()
        settled(other)
        other.get_by_label("Setting 2 value").fill("6")
        other.get_by_role("button", name="Save").click()
        expect(other.locator(".machine-setting").nth(1)).to_contain_text("6")
    finally:
        other_context.close()

    db.session.expire_all()
    copy = db.session.scalar(select(MachineNote).filter(MachineNote.copied_from_id == shared.id))
    assert copy.user_id != athlete.id and copy.is_public is False
    assert copy.settings[1] == {"name": "Safety stops", "value": "6"}
    assert db.session.get(MachineNote, shared.id).settings[1]["value"] == "7"  # source untouched
