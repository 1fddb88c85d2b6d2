"""OpenID Connect client (authlib): discovery, state, nonce and PKCE (S256)."""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

CLIENT_NAME = "oidc"


def init_app(app: Flask) -> None:
    """Register the provider from OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET, if set."""
    issuer = app.config["OIDC_ISSUER"]
    if not issuer:
        return
    # One registry per app, not a module singleton: authlib caches clients on the registry,
    # so a shared one would keep the first app's provider for every app built after it.
    oauth = OAuth(app)
    app.extensions["oidc"] = oauth
    oauth.register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            # Every call to the provider (discovery, token, JWKS) gives up after this.
            "default_timeout": app.config["OIDC_TIMEOUT_SECONDS"],
        },
    )


def enabled() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def client():
    return current_app.extensions["oidc"].create_client(CLIENT_NAME)
