"""A small OpenAI-compatible chat completions server for tests, scripted per test.

``with LlmServer() as server: server.script(("status", 500), ("ok", "Rest 3 min")); server.url``
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_TEXT = "Keep the bar path over mid-foot."


def completion(text: str, model: str) -> dict[str, Any]:
    """The JSON body of a real (non-streaming) chat completion answering ``text``."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49},
        "system_fingerprint": None,
    }


class LlmServer:
    """Serves ``POST /v1/chat/completions`` and ``GET /v1/models`` on 127.0.0.1, a free port.

    Behaviours, consumed one per chat request: ``("ok", text)``, ``("status", code)``,
    ``("sleep", seconds)`` (then ok), ``("garbage", None)`` (200, JSON that is not a completion;
    ``("garbage", b"raw")`` sends those bytes as the application/json body). An empty
    script answers ok with DEFAULT_TEXT. ``requests`` holds ``{"path", "headers", "json"}``
    per request, header names lower-cased.
    """

    def __init__(self, model_name: str = "test-model") -> None:
        self.model_name = model_name
        self.requests: list[dict[str, Any]] = []
        self._script: deque[tuple[str, Any]] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *behaviours: tuple[str, Any]) -> None:
        """Queue behaviours for the next chat requests, in order."""
        with self._lock:
            self._script.extend(behaviours)

    def next_behaviour(self) -> tuple[str, Any]:
        with self._lock:
            return self._script.popleft() if self._script else ("ok", DEFAULT_TEXT)

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def __enter__(self) -> LlmServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._closing.set()  # wakes any handler still sleeping for a timeout scenario
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: LlmServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                return self._send(404, {"error": {"message": "not found", "type": "not_found"}})
            model = {"id": server.model_name, "object": "model", "created": 0, "owned_by": "test"}
            self._send(200, {"object": "list", "data": [model]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.record({"path": self.path, "headers": headers, "json": body})
            if self.path != "/v1/chat/completions":
                return self._send(404, {"error": {"message": "not found", "type": "not_found"}})
            kind, value = server.next_behaviour()
            model = (body or {}).get("model") or server.model_name
            if kind == "status":
                error = {"message": f"scripted {value}", "type": "test_error", "code": None}
                # retry-after-ms: the openai client honours it, so retries in tests are instant.
                return self._send(value, {"error": error}, {"retry-after-ms": "1"})
            if kind == "garbage":
                return self._send(200, value if value is not None else {"object": "error?"})
            if kind == "sleep":
                if server._closing.wait(value):
                    return
                value = DEFAULT_TEXT
            self._send(200, completion(value, model))

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout scenario)

    return Handler
