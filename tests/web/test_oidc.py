"""OpenID Connect sign-in against a real provider process (oidc-provider-mock)."""

from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import select

from app.models import OidcIdentity, User
from tests.conftest import make_user
from tests.oidc import closed_port, set_claims, silent_server


def authorize(client, sub: str):
    """Run the browser's part of the code flow: our redirect, the provider's form, the callback."""
    start = client.get("/auth/oidc/start")
    assert start.status_code == 302
    authorize_url = start.headers["Location"]
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    callback = urlsplit(answer.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_code_flow_creates_an_athlete_and_starts_onboarding(oidc_client, issuer, db):
    set_claims(issuer, "kc-001", email="Mia@Example.com", email_verified=True, name="Mia Chen")
    response = authorize(oidc_client, "kc-001")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/profile/steps/1")
    user = db.session.scalar(select(User))
    assert (user.email, user.display_name, user.password_hash) == (
        "mia@example.com",
        "Mia Chen",
        None,
    )
    identity = db.session.scalar(select(OidcIdentity))
    assert (identity.issuer, identity.subject, identity.user_id) == (issuer, "kc-001", user.id)
    # Signing in again finds the same person by (issuer, subject)
    oidc_client.post("/auth/sign-out")
    authorize(oidc_client, "kc-001")
    assert len(db.session.scalars(select(User)).all()) == 1


def test_verified_email_links_to_the_existing_local_account(oidc_client, issuer, db):
    local = make_user("sam@example.com")
    set_claims(issuer, "kc-002", email="sam@example.com", email_verified=True)
    response = authorize(oidc_client, "kc-002")
    assert response.status_code == 303
    identity = db.session.scalar(select(OidcIdentity))
    assert identity.user_id == local.id


def test_unverified_email_is_not_linked(oidc_client, issuer, db):
    make_user("sam@example.com")
    set_claims(issuer, "kc-003", email="sam@example.com", email_verified=False)
    response = authorize(oidc_client, "kc-003")
    assert response.status_code == 400
    assert "not verified this email" in response.get_data(as_text=True)
    assert db.session.scalar(select(OidcIdentity)) is None


def test_a_callback_with_the_wrong_state_is_refused(oidc_client, issuer, db):
    start = oidc_client.get("/auth/oidc/start")
    answer = requests.post(
        start.headers["Location"], data={"sub": "kc-004"}, allow_redirects=False, timeout=5
    )
    callback = urlsplit(answer.headers["Location"])
    code = parse_qs(callback.query)["code"][0]
    response = oidc_client.get(f"{callback.path}?code={code}&state=forged-state")
    assert response.status_code == 400
    assert "expired or was already used" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_an_unreachable_issuer_gives_the_unavailable_page(app_factory, db):
    app = app_factory(
        OIDC_ISSUER=f"http://127.0.0.1:{closed_port()}",
        OIDC_CLIENT_ID="meetday",
        OIDC_CLIENT_SECRET="x",
    )
    response = app.test_client().get("/auth/oidc/start")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Authentication unavailable" in page and 'href="/auth/oidc/start"' in page


def test_a_provider_that_hangs_times_out_to_the_unavailable_page(app_factory, db):
    with silent_server() as hanging:
        app = app_factory(
            OIDC_ISSUER=hanging,
            OIDC_CLIENT_ID="meetday",
            OIDC_CLIENT_SECRET="x",
            OIDC_TIMEOUT_SECONDS=0.3,
        )
        response = app.test_client().get("/auth/oidc/start")
    assert response.status_code == 503
    assert "Authentication unavailable" in response.get_data(as_text=True)
