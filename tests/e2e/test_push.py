"""static/js/push.js in Chromium: turning push on and off for this device from the profile page.

Headless Chromium can't reach a real push service (Chrome's goes through Google), so the
browser's PushManager and service worker registration are stood in for by a script added
before the page loads; everything else is real: the page, its CSP, push.js, the CSRF header,
the endpoints and the database.
"""

import json
import threading

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from app.models import PushSubscription
from tests.conftest import close_app, make_app
from tests.e2e.conftest import sign_in
from tests.push_service import Browser, unb64url, vapid_settings
from tests.services.test_training import onboarded_athlete

ENDPOINT = "https://push.example/wpush/e2e-device"

FAKE_PUSH = """
(() => {
  const subscriptionJSON = %s;
  let current = null;
  const subscription = () => ({
    endpoint: subscriptionJSON.endpoint,
    options: { applicationServerKey: null },
    toJSON: () => subscriptionJSON,
    unsubscribe: () => { current = null; return Promise.resolve(true); },
  });
  const pushManager = {
    getSubscription: () => Promise.resolve(current),
    subscribe: (options) => {
      window.subscribedWith = {
        userVisibleOnly: options.userVisibleOnly,
        key: Array.from(new Uint8Array(options.applicationServerKey)),
      };
      current = subscription();
      return Promise.resolve(current);
    },
  };
  if (sessionStorage.getItem("subscribed")) current = subscription();
  addEventListener("pagehide", () => {
    if (current) sessionStorage.setItem("subscribed", "1"); else sessionStorage.removeItem("subscribed");
  });
  const registration = { pushManager, scope: "/" };
  Object.defineProperty(navigator, "serviceWorker", {
    configurable: true,
    value: {
      ready: Promise.resolve(registration),
      register: () => Promise.resolve(registration),
      getRegistration: () => Promise.resolve(registration),
      getRegistrations: () => Promise.resolve([registration]),
      addEventListener: () => {},
      controller: null,
    },
  });
})();
"""


@pytest.fixture(scope="module")
def push_server(app, db_url):
    """The app with push on and CSRF checks on, on a local port."""
    settings = vapid_settings()
    served = make_app(db_url, WTF_CSRF_ENABLED=True, **settings)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", settings
    server.shutdown()
    thread.join()
    close_app(served)


def rows(db):
    db.session.expire_all()
    return list(db.session.scalars(select(PushSubscription)))


def test_push_is_turned_on_and_off_for_this_device(page: Page, push_server, db):
    url, settings = push_server
    user = onboarded_athlete()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.context.grant_permissions(["notifications"], origin=url)
    page.add_init_script(FAKE_PUSH % json.dumps(Browser().subscription(ENDPOINT)))
    sign_in(page, url, user.email)

    page.goto(f"{url}/profile")
    section = page.locator("#push-settings")
    expect(section.get_by_role("status")).to_contain_text("Off")
    section.get_by_role("button", name="Turn on").click()

    expect(section.get_by_role("status")).to_contain_text("On: meet reminders")
    expect(section.get_by_role("button", name="Turn off")).to_be_visible()
    [row] = rows(db)
    assert (row.user_id, row.endpoint) == (user.id, ENDPOINT)
    subscribed_with = page.evaluate("window.subscribedWith")
    assert subscribed_with["userVisibleOnly"] is True
    assert bytes(subscribed_with["key"]) == unb64url(settings["VAPID_PUBLIC_KEY"])

    page.reload()  # still on after a reload, and sent again without a second row
    expect(section.get_by_role("status")).to_contain_text("On: meet reminders")
    assert len(rows(db)) == 1

    section.get_by_role("button", name="Turn off").click()
    expect(section.get_by_role("status")).to_contain_text("Off")
    expect(section.get_by_role("button", name="Turn on")).to_be_visible()
    assert rows(db) == []
    assert [p for p in problems if "sw.js" not in p] == []
