"""Response headers: a strict Content-Security-Policy (no inline script), HSTS in production."""

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
        """No person types a NUL; PostgreSQL text refuses it. Answer 400, not a driver error."""
        for values in (request.args, request.form):
            if any("\x00" in value for value in values.values()):
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
