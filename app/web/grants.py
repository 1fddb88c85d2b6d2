"""Feed passcode grants live in cookies named feed_grant_<owner id> (signed by the server)."""

from __future__ import annotations

from flask import Response, current_app, request

from app.services.social import GRANT_SECONDS

PREFIX = "feed_grant_"


def from_request() -> dict[int, str]:
    """{feed owner id: grant token} for the grants this browser holds."""
    grants = {}
    for name, value in request.cookies.items():
        owner = name.removeprefix(PREFIX)
        if name.startswith(PREFIX) and owner.isdigit():
            grants[int(owner)] = value
    return grants


def remember(response: Response, owner_id: int, token: str) -> None:
    response.set_cookie(
        f"{PREFIX}{owner_id}",
        token,
        max_age=GRANT_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
