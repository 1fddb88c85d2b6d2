"""Response headers: a strict Content-Security-Policy (no inline script), HSTS in production;
and input no database takes (NUL characters, absurdly nested JSON) refused with a 400."""

from __future__ import annotations

from flask import Flask, abort, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    production = app.config["MEETDAY_ENV"] == "production"

    @app.before_request
    def refuse_nul_bytes():
        """No person types a NUL; PostgreSQL text refuses it. Answer 400, not a driver error:
        for the path, every query and form value (each one of a repeated field, which
        MultiDict.values() would skip) and every string in a JSON body."""
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # JSON nested thousands deep: the decoder gives up
            abort(400)
        if "\x00" in request.path or _holds_nul(body):
            abort(400)
        for values in (request.args, request.form):
            if any("\x00" in value for _, items in values.lists() for value in items):
                abort(400)

    @app.after_request
    def set_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=()")
        if production:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


def _holds_nul(data) -> bool:
    """True when a NUL is in any string (key or value) of the decoded JSON ``data``; walked
    with a stack, so however deep the JSON nests, no RecursionError."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
