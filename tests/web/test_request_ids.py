"""Request ids: taken from the router's X-Request-ID when it is sane, else made here; echoed
in the response and printed on every log line written while the request is handled."""

import io
import json
import logging

import pytest

from tests.oidc import closed_port

ROUTER_ID = "4f9c2a1e-7b3d-4e8a-9c61-0d2e5f7a8b90"  # what Heroku's router sends


@pytest.fixture
def capture_logs():
    """Call it after making the app (create_app installs the log handler): it returns a
    function giving what the app's log handler wrote since, as lines."""
    restore = []

    def capture():
        handler = logging.getLogger().handlers[0]
        stream = io.StringIO()
        restore.append((handler, handler.setStream(stream)))
        return lambda: stream.getvalue().splitlines()

    yield capture
    for handler, previous in restore:
        handler.setStream(previous)


def test_a_sane_incoming_id_is_kept_and_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": ROUTER_ID})
    assert response.headers["X-Request-ID"] == ROUTER_ID


@pytest.mark.parametrize(
    "sent",
    [None, "", "short", "x" * 201, "a b c d e f g h", 'abc"; rm -rf', "abcdefgh\tforged"],
)
def test_a_missing_or_odd_id_is_replaced_by_a_fresh_one(client, sent):
    headers = {"X-Request-ID": sent} if sent is not None else {}
    first = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    second = client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert first != second and len(first) == 32 and first.isalnum()


def test_errors_carry_the_id_too(client):
    response = client.get("/no-such-page", headers={"X-Request-ID": ROUTER_ID})
    assert response.status_code == 404 and response.headers["X-Request-ID"] == ROUTER_ID


def test_every_line_logged_during_a_request_names_it(app_factory, db, capture_logs):
    broken = app_factory(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")  # readyz logs why
    log_lines = capture_logs()
    broken.test_client().get("/readyz", headers={"X-Request-ID": ROUTER_ID})
    lines = [line for line in log_lines() if "readyz" in line]
    assert lines and all(f"[{ROUTER_ID}]" in line for line in lines)
    logging.getLogger("meetday.test").warning("outside any request")
    assert log_lines()[-1].endswith("[-]: outside any request")


def test_json_logs_have_a_request_id_field(app_factory, db, capture_logs):
    handler = logging.getLogger().handlers[0]
    broken = app_factory(JSON_LOGS=True, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    log_lines = capture_logs()
    try:
        broken.test_client().get("/readyz", headers={"X-Request-ID": ROUTER_ID})
    finally:
        logging.getLogger().handlers[:] = [handler]  # plain lines again for the other tests
    records = [json.loads(line) for line in log_lines()]
    assert records and {r["request_id"] for r in records} == {ROUTER_ID}
    assert {"time", "level", "logger", "message"} <= set(records[0])
