"""End-to-end fixtures: the app served on a local port, Debian's Chromium on a phone viewport."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI, close_app, make_app
from tests.oidc import running_provider

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
        if IN_CI:
            raise pytest.UsageError(message)
        for item in items:
            if "/e2e/" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": PHONE,
        "is_mobile": True,
        "has_touch": True,
        "timezone_id": "America/Chicago",
        "locale": "en-US",
    }


@pytest.fixture(scope="session")
def issuer():
    with running_provider() as url:
        yield url


class Faults:
    """WSGI middleware that answers the next ``times`` POSTs to ``path`` with ``status``, as a
    server having a bad moment would, before the app sees them. Reset after every test."""

    def __init__(self, app):
        self.app = app
        self.rules: dict[str, list] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def fail(self, path: str, times: int, status: str = "500 Internal Server Error") -> None:
        with self.lock:
            self.rules[path] = [times, status]

    def reset(self) -> None:
        with self.lock:
            self.rules.clear()
            self.hits.clear()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        with self.lock:
            rule = self.rules.get(path) if environ["REQUEST_METHOD"] == "POST" else None
            if rule and rule[0] > 0:
                rule[0] -= 1
                self.hits[path] = self.hits.get(path, 0) + 1
            else:
                rule = None
        if rule:
            start_response(rule[1], [("Content-Type", "text/plain")])
            return [b"injected fault"]
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def _served(app, db_url, issuer):
    """The real app (CSRF on, OIDC to the test provider) on a local port, behind Faults."""
    served = make_app(
        db_url,
        WTF_CSRF_ENABLED=True,
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID="meetday",
        OIDC_CLIENT_SECRET="e2e-secret",
        OIDC_PROVIDER_NAME="Test ID",
    )
    faults = Faults(served.wsgi_app)
    served.wsgi_app = faults
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", faults
    server.shutdown()
    thread.join()
    close_app(served)


@pytest.fixture(scope="session")
def live_server(_served) -> str:
    """The app's URL (see _served)."""
    return _served[0]


@pytest.fixture
def faults(_served):
    """Fault injection on the live server for this test (see Faults)."""
    yield _served[1]
    _served[1].reset()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where screenshots go: MEETDAY_SCREENSHOTS (e.g. docs/screenshots) or a temp folder."""
    target = Path(os.environ.get("MEETDAY_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


def sign_in(page, live_server: str, email: str, password: str = "correct horse battery") -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{live_server}/auth/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def settled(page) -> None:
    """Wait until htmx has finished swapping and settling (and so has wired the new content)."""
    page.wait_for_function(
        "() => window.htmx && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


@pytest.fixture
def page(db, page):
    """pytest-playwright's page, set up after ``db`` so it closes before the tables are
    emptied: requests the browser still has in flight (polls, prefetches, replays) end with
    it instead of racing the TRUNCATE."""
    return page
