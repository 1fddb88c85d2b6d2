"""A deploy while a phone has the app: the old service worker learns of the new build, offers
"new version available, reload", and no page ever shows with CSS of another build."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from werkzeug.serving import make_server

from app import assets, service_worker
from tests.conftest import close_app, make_app, make_athlete
from tests.e2e.conftest import sign_in

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
MARKER = '--deploy-marker: "2"'

# The page's own stylesheet link, and whether the CSS applied is the new build's.
PAGE_STATE = """() => ({
  css: [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.getAttribute('href')).join(' '),
  marked: getComputedStyle(document.documentElement).getPropertyValue('--deploy-marker').trim() === '"2"',
  offline: document.body.classList.contains('page-offline'),
})"""


@pytest.fixture
def deployable(tmp_path, db_url, db):
    """Its own copy of static/ and a server on it, so the test can 'deploy' new CSS."""
    static = tmp_path / "static"
    shutil.copytree(STATIC, static, ignore=shutil.ignore_patterns("gen"))
    served = make_app(
        db_url, STATIC_FOLDER=str(static), WTF_CSRF_ENABLED=True, ASSETS_AUTO_BUILD=False
    )

    def deploy():
        """Build the bundles and the service worker, and serve them (as a restart would)."""
        assets.build(served)
        service_worker.build(served)
        served.extensions.pop("asset_urls", None)

    deploy()
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", static, deploy
    server.shutdown()
    thread.join()
    close_app(served)


def consistent(page: Page, build: str) -> str:
    """The page links the CSS of ``build`` ('1' or '2') and that is the CSS it got."""
    state = page.evaluate(PAGE_STATE)
    assert state["marked"] == (build == "2"), state
    return state["css"]


def test_a_deploy_prompts_for_the_new_version_and_never_mixes_builds(
    db, page: Page, context: BrowserContext, deployable
):
    """(``db`` first: its tables are emptied only after the browser has closed.)"""
    url, static, deploy = deployable
    user = make_athlete()
    sign_in(page, url, user.email)
    page.goto(f"{url}/planner")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.goto(f"{url}/tools")  # saved on the device under build 1
    old_css = consistent(page, "1")

    with (static / "css" / "app.css").open("a") as css:
        css.write(f"\n:root {{ {MARKER}; }}\n")
    deploy()

    page.goto(f"{url}/planner")  # a navigation: the browser checks /sw.js and finds build 2
    prompt = page.locator("#update-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("A new version of Meetday is available.")
    new_css = consistent(page, "2")  # fresh HTML from the server brings its own CSS
    assert new_css != old_css

    context.set_offline(True)  # still the old worker: a saved page comes with its own CSS
    page.goto(f"{url}/tools")
    expect(page.locator("#stale-banner")).to_be_visible()
    consistent(page, "1")
    context.set_offline(False)

    prompt.get_by_role("button", name="Reload").click()
    page.wait_for_function(
        "() => navigator.serviceWorker.controller && !document.querySelector('#update-prompt:not([hidden])')"
    )
    expect(page.locator("#update-prompt")).to_be_hidden()
    consistent(page, "2")
    context.set_offline(True)
    for path in ("/planner", "/tools"):
        page.goto(f"{url}{path}")
        state = page.evaluate(PAGE_STATE)
        assert state["offline"] or state["marked"], state  # build 2's page, or the offline page
