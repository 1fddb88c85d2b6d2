"""Fixtures shared by the web tests: the OpenID Connect provider mock and an app using it."""

import pytest

from tests.oidc import running_provider


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
