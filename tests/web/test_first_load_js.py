"""First-load JavaScript budget (issue 7): the feed and the workout page load htmx and our core
code only, at most 30 kB gzipped; page bundles load only where they are used."""

import gzip
import re
import shutil
from pathlib import Path

import pytest

from app import assets
from app.services import workouts
from tests.conftest import close_app, login, make_app, make_athlete

BUDGET = 30 * 1024  # bytes, gzip level 9
SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')


def script_urls(html: str) -> list[str]:
    return SCRIPT_SRC.findall(html)


def fetch(client, url: str, **headers) -> tuple[bytes, dict]:
    with client.get(url, headers=headers) as response:  # a file response: close it
        assert response.status_code == 200, url
        return response.data, response.headers


def gzipped_size(client, url: str) -> int:
    return len(gzip.compress(fetch(client, url)[0], compresslevel=9))


@pytest.fixture
def athlete_client(client, db):
    athlete = make_athlete()
    login(client, athlete.email)
    return client, athlete


def test_feed_and_workout_pages_load_at_most_30_kb_of_javascript(athlete_client):
    client, athlete = athlete_client
    workout = workouts.start_workout(athlete, "30303030-3030-4303-8303-303030303030")
    for path in ("/feed", "/feed?tab=discover", f"/planner/workouts/{workout.id}"):
        page = client.get(path)
        assert page.status_code == 200, path
        urls = script_urls(page.get_data(as_text=True))
        assert urls, f"{path} loads no script"
        total = sum(gzipped_size(client, url) for url in urls)
        assert total <= BUDGET, f"{path}: {total / 1024:.1f} kB gzipped from {urls}"


@pytest.mark.parametrize(
    "path, bundle",
    [
        ("/planner/progress", "charts"),
        ("/feed/posts/new", "upload"),
        ("/tools/plates", "plates"),
    ],
)
def test_page_bundles_load_only_on_their_pages(athlete_client, path, bundle):
    client, _ = athlete_client
    page_scripts = script_urls(client.get(path).get_data(as_text=True))
    feed_scripts = script_urls(client.get("/feed").get_data(as_text=True))
    with client.application.test_request_context():
        urls = assets.asset_urls(bundle)
    assert set(urls) <= set(page_scripts)
    assert not set(urls) & set(feed_scripts)


def test_built_bundles_are_served_gzipped_to_browsers_that_take_gzip(app, client):
    with app.test_request_context():
        url = assets.asset_urls("js")[0]
    assets.precompress(Path(app.static_folder, url.removeprefix(app.static_url_path + "/")))
    plain, plain_headers = fetch(client, url)
    zipped, headers = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(zipped) == plain
    assert "Content-Encoding" not in plain_headers


def test_a_second_app_in_the_process_leaves_this_apps_bundles_alone(app, db_url, tmp_path):
    """Tests run several apps in one process (the deploy test serves its own copy of static/
    with changed CSS): each app's pages must keep linking the files in its own static folder."""
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static, ignore=shutil.ignore_patterns("gen"))
    with (static / "css" / "app.css").open("a") as css:
        css.write("\n:root { --another-build: 1; }\n")
    other = make_app(db_url, STATIC_FOLDER=str(static))
    try:
        with other.test_request_context():
            assets.asset_urls("css")
        with app.test_request_context():
            url = assets.asset_urls("css")[0]
        built = Path(app.static_folder, url.removeprefix(app.static_url_path + "/"))
        assert built.is_file()
        assert "--another-build" not in built.read_text()
    finally:
        close_app(other)
