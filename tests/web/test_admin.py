"""The admin area: users and roles with their guard rails, and the sign-in audit (password and
OpenID Connect); nobody but an admin learns the pages exist."""

import logging
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.models import LoginEvent, User
from app.models.types import utcnow
from app.services import audit, coach_ai
from tests.conftest import login, make_athlete, make_user
from tests.oidc import set_claims
from tests.web.test_oidc import authorize


def admin_pages(user_id: int) -> list[str]:
    return [
        "/admin",
        "/admin/users",
        "/admin/users?q=a&page=2",
        f"/admin/users/{user_id}",
        "/admin/logins",
        "/admin/logins?failed=1",
    ]


def events(db) -> list[LoginEvent]:
    db.session.expire_all()  # the audit writes through a session of its own
    return db.session.scalars(select(LoginEvent).order_by(LoginEvent.id)).all()


@pytest.fixture
def admin(client, db):
    user = make_user("root@example.com", role="admin", display_name="Ada Admin")
    login(client, user.email)
    return user


# Access


@pytest.mark.parametrize("role", ["athlete", "coach"])
def test_athletes_and_coaches_get_404_on_every_admin_page(client, db, role):
    user = make_athlete() if role == "athlete" else make_user(role="coach")
    target = make_user(role="coach")
    login(client, user.email)
    for path in admin_pages(target.id):
        assert client.get(path).status_code == 404, path
    for victim in (target, user):
        response = client.post(f"/admin/users/{victim.id}/role", data={"role": "admin"})
        assert response.status_code == 404
    db.session.expire_all()
    assert (user.role, target.role) == (role, "coach")


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for path in admin_pages(1):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]
    assert client.post("/admin/users/1/role", data={"role": "admin"}).status_code == 302


def test_the_admin_home_links_to_every_admin_page(client, admin):
    page = client.get("/admin").get_data(as_text=True)
    for href in ("/admin/users", "/admin/logins", "/ai/prompts", "/ai/exchanges"):
        assert f'href="{href}"' in page


# Users


def test_users_are_listed_newest_first_with_role_and_last_sign_in(client, admin, db):
    old = make_user("old@example.com", display_name="Old Timer", role="coach")
    old.created_at = utcnow() - timedelta(days=400)
    new = make_user("new@example.com", display_name="New Lifter")
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert page.index(f'id="user-{new.id}"') < page.index(f'id="user-{old.id}"')
    row = page[page.index(f'id="user-{old.id}"') :]
    assert "Old Timer" in row and "old@example.com" in row and "role-coach" in row
    assert "never signed in" in row
    assert "signed in just now" in page[page.index(f'id="user-{admin.id}"') :]


def test_users_are_found_by_email_or_name_in_any_case(client, admin, db):
    make_user("mia.chen@example.com", display_name="Mia")
    make_user("sam@example.com", display_name="Sam CHENG")
    make_user("other@example.com", display_name="Other")
    page = unescape(client.get("/admin/users?q=chen").get_data(as_text=True))
    assert "mia.chen@example.com" in page and "sam@example.com" in page
    assert "other@example.com" not in page and "2 users matching “chen”" in page
    # LIKE wildcards are literal characters here
    assert "No users match" in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_users_come_fifty_to_a_page(client, admin, db):
    start = utcnow() - timedelta(days=1)
    db.session.add_all(
        User(email=f"bulk-{n:02d}@example.com", display_name=f"Bulk {n:02d}", created_at=start)
        for n in range(55)
    )
    db.session.commit()
    first = client.get("/admin/users").get_data(as_text=True)
    assert first.count('<li id="user-') == 50 and "page 1 of 2" in first
    assert 'rel="next" href="/admin/users?page=2"' in first and 'rel="prev"' not in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert second.count('<li id="user-') == 6 and 'rel="prev" href="/admin/users?page=1"' in second
    assert "No users match" in client.get("/admin/users?page=9").get_data(as_text=True)


def test_a_live_search_gets_only_the_results_fragment(htmx_client, db):
    login(htmx_client, make_user(role="admin").email)
    make_user("mia@example.com", display_name="Mia")
    fragment = htmx_client.get("/admin/users?q=mia")
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="user-results">') and "<html" not in html
    assert "mia@example.com" in html and "HX-Request" in fragment.headers["Vary"]
    boosted = htmx_client.get("/admin/users?q=mia", headers={"HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)  # a boosted link gets the whole page


def test_an_admin_changes_a_coach_to_athlete_and_back(client, admin, db):
    coach = make_user("dana@example.com", role="coach", display_name="Dana")
    demoted = client.post(f"/admin/users/{coach.id}/role", data={"role": "athlete"})
    assert demoted.status_code == 303
    assert demoted.headers["Location"] == f"/admin/users/{coach.id}"
    page = client.get(demoted.headers["Location"]).get_data(as_text=True)
    assert "Dana is now an athlete." in page
    assert re.search(r'<input checked[^>]* value="athlete"', page)
    db.session.expire_all()
    assert coach.role == "athlete"
    promoted = client.post(f"/admin/users/{coach.id}/role", data={"role": "coach"})
    assert promoted.status_code == 303
    db.session.expire_all()
    assert coach.role == "coach"


def test_setting_the_role_a_user_already_has_changes_nothing(client, admin, db):
    coach = make_user(role="coach", display_name="Dana")
    for _ in range(2):
        response = client.post(
            f"/admin/users/{coach.id}/role", data={"role": "coach"}, follow_redirects=True
        )
        assert "Dana was already a coach." in response.get_data(as_text=True)
    db.session.expire_all()
    assert coach.role == "coach"


def test_an_admin_cannot_remove_their_own_admin_role(client, admin, db):
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "athlete"})
    assert response.status_code == 422
    assert "You can't remove your own admin role" in unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert admin.role == "admin"
    assert client.get("/admin").status_code == 200  # still an admin
    again = client.post(f"/admin/users/{admin.id}/role", data={"role": "admin"})
    assert again.status_code == 303  # keeping it is fine


def test_the_system_user_cannot_be_edited(client, admin, db):
    system = coach_ai.coach_user()
    page = client.get(f"/admin/users/{system.id}").get_data(as_text=True)
    assert "system account" in page and "Save role" not in page
    response = client.post(f"/admin/users/{system.id}/role", data={"role": "admin"})
    assert response.status_code == 422
    assert "its role can&#39;t change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (system.role, system.is_system) == ("coach", True)


def test_unknown_roles_and_users_are_refused(client, admin, db):
    coach = make_user(role="coach")
    bad = client.post(f"/admin/users/{coach.id}/role", data={"role": "superuser"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    assert client.post(f"/admin/users/{coach.id}/role", data={}).status_code == 422
    assert client.post("/admin/users/999999/role", data={"role": "coach"}).status_code == 404
    assert client.get("/admin/users/999999").status_code == 404
    db.session.expire_all()
    assert coach.role == "coach"


# The sign-in audit


def sign_in_from(client, email: str, password: str, agent: str = "Phone/1.0"):
    return client.post(
        "/auth/sign-in",
        data={"email": email, "password": password},
        headers={"User-Agent": agent},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )


def test_failed_and_successful_password_sign_ins_appear_in_the_audit(client, db):
    lifter = make_user("lifter@example.com", display_name="Lee Lifter")
    admin = make_user("root@example.com", role="admin")
    assert sign_in_from(client, " Lifter@Example.com", "wrong password!").status_code == 422
    assert sign_in_from(client, "nobody@example.com", "whatever it is").status_code == 422
    assert sign_in_from(client, "lifter@example.com", "correct horse battery").status_code == 303
    client.post("/auth/sign-out")
    failed, stranger, succeeded = events(db)
    assert (failed.email, failed.user_id, failed.method, failed.success) == (
        "lifter@example.com",
        lifter.id,
        "password",
        False,
    )
    assert (failed.ip, failed.user_agent) == ("203.0.113.7", "Phone/1.0")
    assert (stranger.email, stranger.user_id, stranger.success) == (
        "nobody@example.com",
        None,
        False,
    )
    assert (succeeded.user_id, succeeded.success) == (lifter.id, True)

    login(client, admin.email)
    page = client.get("/admin/logins").get_data(as_text=True)
    for event, outcome in ((failed, "Failed"), (stranger, "Failed"), (succeeded, "Signed in")):
        row = page[page.index(f'id="login-{event.id}"') :].split("</li>")[0]
        assert f"{'login-ok' if event.success else 'login-failed'}" in row and outcome in row
        assert "203.0.113.7" in row and "Password" in row
    assert "Lee Lifter" in page and "No account" in page
    assert page.index(f'id="login-{succeeded.id}"') < page.index(f'id="login-{failed.id}"')
    only_failures = client.get("/admin/logins?failed=1").get_data(as_text=True)
    assert f'id="login-{failed.id}"' in only_failures
    assert f'id="login-{stranger.id}"' in only_failures
    assert f'id="login-{succeeded.id}"' not in only_failures
    assert 'aria-current="page">Failures only' in only_failures


def test_the_audit_shows_times_in_the_admins_zone(client, db):
    admin = make_user(role="admin", time_zone="Asia/Tokyo")
    login(client, admin.email)
    (event,) = events(db)
    page = client.get("/admin/logins").get_data(as_text=True)
    local = event.created_at + timedelta(hours=9)
    assert local.strftime("%H:%M") in page and "times in Asia/Tokyo" in page


def test_a_user_page_lists_that_users_recent_sign_ins(client, admin, db):
    lifter = make_user("lifter@example.com")
    audit.record_login(None, lifter.email, "password", False, ip="203.0.113.7")
    page = client.get(f"/admin/users/{lifter.id}").get_data(as_text=True)
    lifter_events = [e for e in events(db) if e.user_id == lifter.id]
    assert len(lifter_events) == 1 and f'id="login-{lifter_events[0].id}"' in page
    admin_event = next(e for e in events(db) if e.user_id == admin.id)
    assert f'id="login-{admin_event.id}"' not in page


def test_a_malformed_attempt_is_recorded_with_the_email_cut_to_254(client, db):
    typed = "  " + "A" * 300 + "@Example.com"
    response = sign_in_from(client, typed, "anything at all", agent="x" * 1000)
    assert response.status_code == 422
    assert client.post("/auth/sign-in", data={}).status_code == 422
    long_one, empty = events(db)
    assert long_one.email == ("a" * 300 + "@example.com")[:254] and not long_one.success
    assert len(long_one.user_agent) == 255
    assert (empty.email, empty.success, empty.method) == (None, False, "password")


def test_a_failed_audit_write_never_breaks_sign_in(client, db, monkeypatch, caplog):
    make_athlete("lifter@example.com")

    def broken(*args, **kwargs):
        raise OperationalError("INSERT INTO login_events", {}, Exception("disk full"))

    monkeypatch.setattr(audit, "Session", broken)
    with caplog.at_level(logging.ERROR, logger="app.services.audit"):
        assert login(client, "lifter@example.com").status_code == 303
    assert "could not record a password sign-in" in caplog.text
    assert client.get("/planner").status_code == 200
    assert events(db) == []


def test_record_login_refuses_an_unknown_method(db):
    with pytest.raises(ValueError, match="unknown sign-in method"):
        audit.record_login(None, "a@example.com", "magic-link", True)


# OpenID Connect (the provider mock and oidc_client come from tests/web/conftest.py)


def test_openid_connect_sign_ins_are_audited_when_they_finish_or_fail(oidc_client, issuer, db):
    set_claims(issuer, "kc-audit-1", email="Mia@Example.com", email_verified=True, name="Mia")
    assert authorize(oidc_client, "kc-audit-1").status_code == 303
    oidc_client.post("/auth/sign-out")
    make_user("sam@example.com")
    set_claims(issuer, "kc-audit-2", email="sam@example.com", email_verified=False)
    assert authorize(oidc_client, "kc-audit-2").status_code == 400  # unverified: not linked
    mia = db.session.scalar(select(User).filter_by(email="mia@example.com"))
    sam = db.session.scalar(select(User).filter_by(email="sam@example.com"))
    finished, refused = events(db)
    assert (finished.method, finished.success, finished.user_id, finished.email) == (
        "oidc",
        True,
        mia.id,
        "mia@example.com",
    )
    assert (refused.method, refused.success, refused.user_id) == ("oidc", False, sam.id)
    assert finished.ip == "127.0.0.1" and finished.user_agent.startswith("Werkzeug")


def test_a_forged_openid_callback_is_audited_as_a_failure(oidc_client, issuer, db):
    start = oidc_client.get("/auth/oidc/start")
    answer = requests.post(
        start.headers["Location"], data={"sub": "kc-audit-3"}, allow_redirects=False, timeout=5
    )
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    response = oidc_client.get(f"/auth/oidc/callback?code={code}&state=forged-state")
    assert response.status_code == 400
    (event,) = events(db)
    assert (event.method, event.success, event.user_id, event.email) == ("oidc", False, None, None)
