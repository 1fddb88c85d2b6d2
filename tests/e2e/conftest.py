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


@pytest.fixture(scope="session")
def live_server(app, db_url, issuer):
    """The real app (CSRF on, OIDC to the test provider) on a local port; yields its URL."""
    served = make_app(
        db_url,
        WTF_CSRF_ENABLED=True,
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID="meetday",
        OIDC_CLIENT_SECRET="e2e-secret",
        OIDC_PROVIDER_NAME="Test ID",
    )
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    close_app(served)


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
