"""The AI coach's language model: one chat completion over the OpenAI-compatible API.

Works with OpenWebUI, a LiteLLM proxy, Ollama or vLLM; configured by the LLM_* settings.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import openai
from flask import current_app

log = logging.getLogger(__name__)

# Statuses the openai client itself retries (with backoff) before raising.
_TRANSIENT = {408, 409, 429}


@dataclass(frozen=True)
class LlmReply:
    """An answer: ``text`` stripped, the ``model`` that answered, ``latency_ms`` of the call."""

    text: str
    model: str
    latency_ms: int


class LlmError(Exception):
    """Base of the errors raised by this module."""


class LlmUnavailable(LlmError):
    """No answer for now (not configured, timeout, 429/5xx after retries, malformed reply)."""


class LlmRejected(LlmError):
    """The endpoint refused the request (400/401/403/404 ...): a setup error, never retried."""


def configured() -> bool:
    """True when LLM_BASE_URL and LLM_MODEL are both set."""
    config = current_app.config
    return bool(config.get("LLM_BASE_URL") and config.get("LLM_MODEL"))


def complete(messages: list[dict[str, str]], *, max_tokens: int = 400) -> LlmReply:
    """Ask the configured model to answer ``messages`` ({"role", "content"} dicts, in order).

    The client waits LLM_TIMEOUT_SECONDS (seconds) per attempt and retries connection errors,
    408/409/429 and 5xx up to LLM_MAX_RETRIES times with jittered exponential backoff.
    Raises LlmUnavailable (the caller falls back to the rule-based coach) or LlmRejected.
    """
    if not configured():
        raise LlmUnavailable("no LLM endpoint configured")
    config = current_app.config
    model = config["LLM_MODEL"]
    api_key = config.get("LLM_API_KEY") or "unused"  # the client insists on a key
    host = urlsplit(config["LLM_BASE_URL"]).netloc.rpartition("@")[2]  # never user:password
    where = f"{host} model={model}"
    started = time.monotonic()
    try:
        with openai.OpenAI(
            base_url=config["LLM_BASE_URL"],
            api_key=api_key,
            timeout=float(config.get("LLM_TIMEOUT_SECONDS", 20.0)),
            max_retries=int(config.get("LLM_MAX_RETRIES", 2)),
        ) as client:
            completion = client.chat.completions.create(
                model=model, messages=messages, max_tokens=max_tokens
            )
    except openai.APIStatusError as err:
        elapsed = _ms_since(started)
        status = err.status_code
        if status >= 500 or status in _TRANSIENT:
            log.warning("LLM %s answered %s after %d ms", where, status, elapsed)
            raise LlmUnavailable(f"LLM endpoint answered {status}") from err
        reason = _redact(str(err.message), api_key)
        log.error("LLM %s rejected the request: %s after %d ms", where, status, elapsed)
        raise LlmRejected(f"LLM endpoint rejected the request ({status}): {reason}") from err
    # Timeout, connection error; the client raises a bare JSONDecodeError for a non-JSON body.
    except (openai.APIError, json.JSONDecodeError) as err:
        log.warning("LLM %s failed (%s) after %d ms", where, type(err).__name__, _ms_since(started))
        raise LlmUnavailable(f"LLM call failed: {type(err).__name__}") from err
    text = _content(completion)
    elapsed = _ms_since(started)
    if not text:
        log.warning("LLM %s sent no content after %d ms", where, elapsed)
        raise LlmUnavailable("LLM reply had no content")
    log.info("LLM %s answered 200 in %d ms", where, elapsed)
    return LlmReply(
        text=text, model=getattr(completion, "model", None) or model, latency_ms=elapsed
    )


def _content(completion: object) -> str:
    """The first choice's message content, stripped; "" when the reply lacks one."""
    choices = getattr(completion, "choices", None)  # the client does not validate the body
    message = (
        getattr(choices[0], "message", None) if isinstance(choices, list) and choices else None
    )
    content = getattr(message, "content", None)
    return content.strip() if isinstance(content, str) else ""


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text
