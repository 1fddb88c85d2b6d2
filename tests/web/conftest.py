"""Fixtures shared by the web tests: an athlete with API headers, the OpenID Connect
provider mock and an app using it."""

import pytest

from tests.oidc import running_provider


@pytest.fixture
def athlete(db):
    """An onboarded athlete (squat 200, bench 130, deadlift 240 kg; 82.5 kg bodyweight); a
    module that needs another kind of athlete defines its own."""
    from tests.services.test_training import onboarded_athlete

    return onboarded_athlete()


@pytest.fixture
def headers(athlete):
    """API request headers with a read-write personal access token of ``athlete``."""
    from tests.web.test_api_tokens import bearer, token_for

    return bearer(token_for(athlete))


@pytest.fixture(scope="module")
def issuer():
    with running_provider() as url:
        yield url


@pytest.fixture
def oidc_client(app_factory, db, issuer):
    app = app_factory(
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID="meetday",
        OIDC_CLIENT_SECRET="test-secret",
        OIDC_PROVIDER_NAME="Test ID",
    )
    return app.test_client()
