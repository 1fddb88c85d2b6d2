"""Health endpoints and the production settings."""

import pytest

from app import config, create_app
from tests.oidc import closed_port


def test_healthz_answers_without_touching_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_checks_the_database_and_redis(client, app):
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready"
    expected_backend = (
        "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "sqlite"
    )
    assert body["checks"]["database"] == {"ok": True, "backend": expected_backend}
    assert body["checks"]["redis"]["ok"] is True


def test_readyz_fails_when_redis_is_down(app_factory, db):
    broken = app_factory(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["redis"]["ok"] is False and body["checks"]["database"]["ok"] is True


def test_readyz_fails_when_the_database_is_down(app_factory, db):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/none?connect_timeout=2"
    response = app_factory(url).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"]["ok"] is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "postgres://u:p@db.example:5432/meetday",
            "postgresql+psycopg://u:p@db.example:5432/meetday",
        ),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        (None, "sqlite:////srv/instance/meetday.db"),
    ],
)
def test_database_url_accepts_heroku_style_urls(raw, expected):
    assert config.database_url(raw, "/srv/instance") == expected


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app({"MEETDAY_ENV": "production"})


def test_production_hardens_cookies_and_sends_hsts(monkeypatch, app_factory):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    prod = app_factory(MEETDAY_ENV="production", TESTING=False)
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["REMEMBER_COOKIE_SECURE"]
    assert prod.config["JSON_LOGS"] is True
    response = prod.test_client().get("/healthz")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_web_app_manifest_makes_meetday_installable(client):
    from io import BytesIO

    from PIL import Image

    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    # Chromium's installability criteria: a name, a start URL, standalone display, icons of
    # 192 and 512 px (web.dev/articles/install-criteria); maskable for Android's shapes
    assert manifest["name"] and manifest["short_name"] and manifest["start_url"] == "/planner"
    assert manifest["display"] == "standalone"
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200
        if icon["type"] == "image/png":
            width, height = Image.open(BytesIO(served.data)).size
            assert f"{width}x{height}" == icon["sizes"]
        served.close()
    assert [s["url"] for s in manifest["shortcuts"]] == ["/planner", "/tools/plates"]
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page


def test_the_service_worker_is_served_from_the_root_and_never_cached(client):
    response = client.get("/sw.js")
    body = response.get_data(as_text=True)
    response.close()  # a file response: the test client leaves closing it to the caller
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "self.__WB_MANIFEST" not in body  # Workbox injected the precache list
    assert '"url":"/offline"' in body and "/static/gen/workbox-v" in body


def test_the_offline_page_carries_nobodys_data(client, db):
    from tests.conftest import login, make_athlete

    user = make_athlete(display_name="Private Person")
    login(client, user.email)
    html = client.get("/offline").get_data(as_text=True)
    assert "You're offline" in html
    assert "Private Person" not in html and "csrf" not in html.lower() and user.email not in html


def test_csrf_token_endpoint_is_never_cached_and_names_the_user(client, db):
    from tests.conftest import login, make_athlete

    anonymous = client.get("/csrf-token")
    assert anonymous.headers["Cache-Control"] == "no-store"
    assert anonymous.json["user"] is None and anonymous.json["token"]
    user = make_athlete()
    login(client, user.email)
    assert client.get("/csrf-token").json["user"] == user.id
