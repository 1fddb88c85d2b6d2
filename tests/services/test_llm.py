"""The LLM connector with the real openai client against a local OpenAI-compatible server."""

from __future__ import annotations

import logging

import pytest
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from app.services import llm
from tests.llm_server import DEFAULT_TEXT, LlmServer

API_KEY = "sk-test-do-not-log-4f9a"
MAX_RETRIES = 1


@pytest.fixture
def server():
    with LlmServer() as running:
        yield running


@pytest.fixture
def llm_app(app_factory, server):
    app = app_factory(
        LLM_BASE_URL=server.url,
        LLM_API_KEY=API_KEY,
        LLM_MODEL="coach-8b",
        LLM_TIMEOUT_SECONDS=0.5,
        LLM_MAX_RETRIES=MAX_RETRIES,
    )
    with app.app_context():
        yield app


def ask(text: str = "How heavy should my opener be?") -> llm.LlmReply:
    return llm.complete([{"role": "user", "content": text}])


def test_complete_sends_messages_model_and_bearer_key(llm_app, server):
    template = (
        "You coach {{ name }}. Squat top set: {{ top_set.load_kg }} kg @ RPE {{ top_set.rpe }}."
    )
    rendered = (
        SandboxedEnvironment(undefined=StrictUndefined)
        .from_string(template)
        .render(name="Ana", top_set={"load_kg": 180, "rpe": 8})
    )
    messages = [
        {"role": "system", "content": rendered},
        {"role": "user", "content": "Should I add 5 kg next week?"},
    ]
    server.script(("ok", "  Yes, add 2.5-5 kg.\n"))

    reply = llm.complete(messages, max_tokens=120)

    assert reply == llm.LlmReply(
        text="Yes, add 2.5-5 kg.", model="coach-8b", latency_ms=reply.latency_ms
    )
    assert reply.latency_ms >= 0
    [request] = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == f"Bearer {API_KEY}"
    assert request["json"]["model"] == "coach-8b"
    assert request["json"]["messages"] == messages
    assert "Squat top set: 180 kg @ RPE 8." in request["json"]["messages"][0]["content"]
    assert request["json"]["max_tokens"] == 120


def test_complete_sends_a_dummy_key_when_none_is_configured(llm_app, server):
    llm_app.config["LLM_API_KEY"] = None

    assert ask().text == DEFAULT_TEXT
    assert server.requests[0]["headers"]["authorization"] == "Bearer unused"


def test_timeout_raises_unavailable(llm_app, server):
    server.script(*[("sleep", 2.0)] * (1 + MAX_RETRIES))

    with pytest.raises(llm.LlmUnavailable, match="APITimeoutError"):
        ask()
    assert len(server.requests) == 1 + MAX_RETRIES


def test_server_error_is_retried_then_answers(llm_app, server):
    server.script(("status", 500), ("ok", "Take a deload week."))

    assert ask().text == "Take a deload week."
    assert len(server.requests) == 2


def test_persistent_server_error_raises_unavailable_after_all_attempts(llm_app, server):
    server.script(*[("status", 500)] * 5)

    with pytest.raises(llm.LlmUnavailable, match="500"):
        ask()
    assert len(server.requests) == 1 + MAX_RETRIES


def test_rate_limit_after_retries_raises_unavailable(llm_app, server):
    server.script(*[("status", 429)] * 5)

    with pytest.raises(llm.LlmUnavailable, match="429"):
        ask()
    assert len(server.requests) == 1 + MAX_RETRIES


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_error_raises_rejected_without_retry(llm_app, server, status):
    server.script(("status", status))

    with pytest.raises(llm.LlmRejected, match=f"\\({status}\\)"):
        ask()
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "body",
    [None, b"<html>502 Bad Gateway</html>", {"choices": []}, {"choices": [{"message": None}]}],
    ids=["not-a-completion", "not-json", "no-choices", "no-message"],
)
def test_garbage_reply_raises_unavailable(llm_app, server, body):
    server.script(("garbage", body))

    with pytest.raises(llm.LlmUnavailable):
        ask()
    assert len(server.requests) == 1


def test_empty_content_raises_unavailable(llm_app, server):
    server.script(("ok", "   "))

    with pytest.raises(llm.LlmUnavailable):
        ask()


def test_unreachable_endpoint_raises_unavailable(llm_app, server):
    llm_app.config["LLM_BASE_URL"] = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    llm_app.config["LLM_MAX_RETRIES"] = 0

    with pytest.raises(llm.LlmUnavailable, match="APIConnectionError"):
        ask()


@pytest.mark.parametrize("unset", ["LLM_BASE_URL", "LLM_MODEL"])
def test_not_configured_raises_unavailable_without_a_request(llm_app, server, unset):
    llm_app.config[unset] = None

    assert not llm.configured()
    with pytest.raises(llm.LlmUnavailable, match="no LLM endpoint configured"):
        ask()
    assert server.requests == []


def test_api_key_never_appears_in_logs(llm_app, server, caplog):
    caplog.set_level(logging.DEBUG)
    server.script(("status", 401))

    with pytest.raises(llm.LlmRejected) as raised:
        ask()

    assert any(r.name.startswith("openai") for r in caplog.records), "client debug logs captured"
    assert API_KEY not in caplog.text
    assert API_KEY not in str(raised.value)
    rejected = [r for r in caplog.records if r.name == "app.services.llm"]
    assert "401" in rejected[-1].getMessage()
    assert "127.0.0.1" in rejected[-1].getMessage()
