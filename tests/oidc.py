"""A real OpenID provider for tests: oidc-provider-mock running on a local port."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import requests


@contextmanager
def running_provider():
    """Yield the issuer URL of an OpenID provider served from a background thread."""
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://127.0.0.1:{server.server_port}"


def set_claims(issuer: str, sub: str, **claims) -> None:
    """Store the claims the provider will put in ``sub``'s ID token (PUT /users/<sub>)."""
    requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()


def closed_port() -> int:
    """A local port with nothing listening on it (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def silent_server():
    """A port that accepts connections and never answers: a provider that hangs."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        sock.close()
