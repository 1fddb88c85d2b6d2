"""Links that cannot change while the process runs (the tabs, the sign-out form, the icons)
are built once (assets.fixed_url), but per script root: one process serving the app at the
root and under a prefix (a reverse proxy's SCRIPT_NAME) links each under its own."""

from tests.conftest import login, make_athlete


def test_fixed_links_follow_the_script_root(client, db):
    login(client, make_athlete().email)
    plain = client.get("/feed").get_data(as_text=True)
    mounted = client.get("/feed", base_url="http://localhost/meetday/").get_data(as_text=True)
    again = client.get("/feed").get_data(as_text=True)

    for link in ('href="/feed?tab=discover"', 'href="/tools"', 'action="/auth/sign-out"'):
        assert link in plain and link in again
        prefixed = link.replace('="/', '="/meetday/')
        assert prefixed in mounted and prefixed not in plain
    assert '/meetday/static/icons/sprite.svg#feed"' in mounted
