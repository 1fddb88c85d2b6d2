"""Chromium's own installability check on the real app (via the DevTools protocol)."""

from playwright.sync_api import Page


def test_chromium_finds_the_app_installable(page: Page, live_server):
    page.goto(f"{live_server}/auth/sign-in")
    page.wait_for_load_state("networkidle")
    devtools = page.context.new_cdp_session(page)
    assert devtools.send("Page.getAppManifest")["errors"] == []
    errors = {
        e["errorId"] for e in devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    }
    # Playwright's contexts are incognito, where Chromium never offers installation
    assert errors <= {"in-incognito"}
