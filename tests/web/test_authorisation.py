"""The authorisation matrix: every route of the URL map x every kind of caller x every
ownership case, checked against the one rule table, app.web.access.ENDPOINT_AUDIENCE.

Signed out, a page redirects to sign-in and htmx or JSON gets 401; outside the audience a
caller gets 404 (never 403: other people's ids reveal nothing); inside it, no 4xx; nobody
ever gets a 5xx. A route missing from the table fails here, by name.
"""

from __future__ import annotations

import io
import json

import pytest
from flask import g

from app import create_app
from app.extensions import db
from app.models.ai import TEMPLATE_NAMES
from app.services import demo, prompts
from app.web import access
from app.web.converters import MAX_ID
from tests.push_service import Browser, vapid_settings
from tests.web import world as w


def _url_map():
    app = create_app(
        {"MEETDAY_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": None}
    )
    return app.url_map


URL_MAP = _url_map()


def methods_of(rule) -> list[str]:
    """The methods a route answers: HEAD comes free with GET and OPTIONS with the rest, so
    they count only where they are the route's own (the tus upload endpoints)."""
    methods = set(rule.methods)
    if "GET" in methods:
        methods.discard("HEAD")
    if methods - {"OPTIONS"}:
        methods.discard("OPTIONS")
    return sorted(methods)


ROUTES = [
    pytest.param(rule, method, id=f"{method} {rule.rule}")
    for rule in sorted(URL_MAP.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    for method in methods_of(rule)
]

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
JSON_BLUEPRINTS = {"api", "push"}  # scripts, not pages: 401 rather than a redirect
# What else a write needs besides the objects its URL names.
EXTRA_PARTS = {"coach.join": {"invite"}}
# Who owns the object named in the URL, where it isn't the athlete who owns everything else.
OBJECT_OWNER = {"coach.revoke_invite": w.COACH}
# URL parameters that name an object someone owns (others: a template name, a step, a file).
OWNED_PARAMETERS = {
    "token_id",
    "meet_id",
    "session_id",
    "workout_id",
    "set_id",
    "comment_id",
    "note_id",
    "gym_id",
    "invite_id",
    "upload_id",
}
# Statuses an allowed caller may get besides 2xx/3xx, and why.
ALSO_FINE = {
    ("feed.create_post", "POST"): {422},  # the form needs a video: the form fuzzer covers it
    ("coach.join", "POST"): {422},  # an invite is used once, by an athlete; coaches get a message
}

SEES_POST = {  # visibility -> who may see a post of the owner (the chat is owner <-> coach)
    "public": set(w.SIGNED_IN),
    "followers": {w.OWNER, w.COACH},  # nobody here follows her; her coach sees all but private
    "coach": {w.OWNER, w.COACH},
    "private": {w.OWNER},
    "message": {w.OWNER, w.COACH},
    "processing": {w.OWNER},  # not ready: nobody else, her coach included
}
SEES_NOTE = {"private": {w.OWNER}, "public": set(w.SIGNED_IN)}


def test_every_route_has_an_authorisation_rule():
    missing = sorted(
        {rule.endpoint for rule in URL_MAP.iter_rules() if access.audience(rule.endpoint) is None}
    )
    assert not missing, (
        "routes with no rule in app.web.access.ENDPOINT_AUDIENCE (say who may call them): "
        + ", ".join(missing)
    )
    assert set(access.ENDPOINT_AUDIENCE.values()) <= set(access.AUDIENCES)
    known = {rule.endpoint for rule in URL_MAP.iter_rules()}
    assert not set(access.ENDPOINT_AUDIENCE) - known, "rules for routes that no longer exist"


READS = [route for route in ROUTES if route.values[1] in READ_METHODS]
WRITES = [route for route in ROUTES if route.values[1] not in READ_METHODS]


@pytest.fixture(scope="module")
def shared_world(app):
    """One world for every read (GET, HEAD, OPTIONS change nothing a later read depends on):
    building a plan for each would triple the time. The writes, last in this file, each get
    a fresh one (and empty the database after them)."""
    yield from w.world_with_push(app)


@pytest.fixture
def push_on(app, monkeypatch):
    for key, value in vapid_settings().items():  # push on: its endpoints do their real work
        monkeypatch.setitem(app.config, key, value)


@pytest.mark.parametrize(("rule", "method"), READS)
def test_who_may_read(app, shared_world, rule, method):
    try:
        check_route(app, shared_world, rule, method)
    finally:
        db.session.commit()  # end the shared session's transaction: a TRUNCATE waits on it


ID_ROUTES = [
    route
    for route in ROUTES
    if any(name.endswith("_id") and name != "client_id" for name in route.values[0].arguments)
]
NO_SUCH_IDS = (MAX_ID, MAX_ID + 1, 10**20)  # none made; past PostgreSQL's integer; absurd


@pytest.mark.parametrize(("rule", "method"), ID_ROUTES)
def test_ids_that_match_nothing_are_404_even_for_the_owner(app, shared_world, rule, method):
    """Someone allowed in, with an id no row has (or no integer column holds): 404, never 500."""
    world, failures = shared_world, []
    variant = variants(rule)[0]
    audience = access.audience(rule.endpoint)
    role = sorted(
        allowed_roles(rule, audience, variant) if audience != access.PUBLIC else {w.OWNER}
    )[0]
    try:
        for name in [n for n in rule.arguments if n.endswith("_id") and n != "client_id"]:
            for missing in NO_SUCH_IDS:
                values = {n: w.url_value(n, rule.endpoint, world, variant) for n in rule.arguments}
                values[name] = missing
                path = rule.build(values, append_unknown=False)[1]
                response = call(app, world, rule, method, path, role)
                # past MAX_ID the URL map turns it away; Werkzeug may say 405 for a POST then
                turned_away = (404, 405) if missing > MAX_ID else (404,)
                if response.status_code not in turned_away:
                    failures.append(f"{role} {method} {path}: {response.status_code}, not 404")
    finally:
        db.session.rollback()  # a failed statement must not poison the shared session
        db.session.commit()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("rule", "method"), WRITES)
def test_who_may_write(app, db, push_on, rule, method):
    parts = {w.PART_OF_PARAMETER[name] for name in rule.arguments if name in w.PART_OF_PARAMETER}
    if access.audience(rule.endpoint) == access.TOKEN:
        parts.add("tokens")
    check_route(app, w.make_world(parts | EXTRA_PARTS.get(rule.endpoint, set())), rule, method)


def check_route(app, world: w.World, rule, method: str) -> None:
    audience = access.audience(rule.endpoint)
    if audience is None:
        pytest.fail(f"{rule.endpoint} has no rule in app.web.access.ENDPOINT_AUDIENCE")
    failures = []
    for variant in variants(rule):
        path = build_path(rule, world, variant)
        outcomes = {role: expected(rule, audience, role, variant) for role in w.ROLES}
        # callers turned away go first: an allowed call may delete what the URL names
        for role in sorted(w.ROLES, key=lambda r: outcomes[r] == "allowed"):
            response = call(app, world, rule, method, path, role)
            problem = judge(response, outcomes[role], (rule.endpoint, method), role)
            if problem:
                failures.append(f"{role:16} {method} {path} ({variant or '-'}): {problem}")
        if audience == access.TOKEN:  # a session cookie never signs an API request in
            response = call(app, world, rule, method, path, w.OWNER, with_token=False)
            if response.status_code != 401:
                failures.append(
                    f"owner's cookie   {method} {path}: {response.status_code}, not 401"
                )
    assert not failures, f"{rule.endpoint} is {audience}, but:\n" + "\n".join(failures)


def variants(rule) -> tuple:
    if "post_id" in rule.arguments:
        return w.POST_VISIBILITIES
    if "note_id" in rule.arguments:
        return w.NOTE_VISIBILITIES
    return (None,)


def build_path(rule, world: w.World, variant) -> str:
    values = {name: w.url_value(name, rule.endpoint, world, variant) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def expected(rule, audience: str, role: str, variant) -> str:
    """'allowed', 'sign-in' (redirect or 401) or 'not found' for ``role``."""
    if audience == access.PUBLIC:
        return "allowed"
    signed_out = role in (w.ANONYMOUS, w.ANONYMOUS_HTMX)
    if audience == access.VIEWER_OR_SIGNED_OUT and signed_out:
        return "allowed" if variant == "public" else "not found"
    if signed_out:
        return "sign-in"
    return "allowed" if role in allowed_roles(rule, audience, variant) else "not found"


def allowed_roles(rule, audience: str, variant) -> set[str]:
    if audience == access.SIGNED_IN:
        return set(w.SIGNED_IN)
    if audience in (access.OWNER, access.TOKEN):  # TOKEN: the holder, for their own objects
        names_objects = OWNED_PARAMETERS & set(rule.arguments)
        owner = OBJECT_OWNER.get(rule.endpoint, w.OWNER)
        return {owner} if names_objects else set(w.SIGNED_IN)
    if audience == access.PARTICIPANT:
        return {w.OWNER, w.COACH}
    if audience in (access.VIEWER, access.VIEWER_OR_SIGNED_OUT):
        return (SEES_POST if "post_id" in rule.arguments else SEES_NOTE)[variant]
    if audience == access.COACH_OF:
        return {w.COACH}
    if audience == access.STAFF:
        return {w.COACH, w.OTHER_COACH, w.ADMIN}
    if audience == access.ADMIN:
        return {w.ADMIN}
    raise AssertionError(f"unknown audience {audience!r}")


def call(app, world: w.World, rule, method: str, path: str, role: str, with_token=True):
    """``role``'s request: a browser signed in as them; for the token API, a script sending
    their token (``with_token`` false: their browser's cookie alone)."""
    # The test's app context (the db fixture's) is shared by the requests, and Flask-Login
    # keeps the signed-in user on ``g``: forget it, or the previous caller's identity leaks.
    g.pop("_login_user", None)
    client = app.test_client()
    headers = {"HX-Request": "true"} if role == w.ANONYMOUS_HTMX else {}
    if role in w.SIGNED_IN:
        if access.audience(rule.endpoint) == access.TOKEN and with_token:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            w.sign_in(client, world.user(role))
    kwargs = request_for(rule.endpoint, method, world, role)
    headers.update(kwargs.pop("headers", {}))
    response = client.open(path, method=method, headers=headers, **kwargs)
    response.close()
    return response


def judge(response, outcome: str, key: tuple[str, str], role: str) -> str | None:
    """What is wrong with ``response`` for the ``outcome`` expected, or None."""
    status = response.status_code
    if response.headers.get("Location"):
        status_text = f"{status} to {response.headers['Location']}"
    else:
        status_text = str(status)
    if status >= 500:
        return f"server error {status}"
    if outcome == "sign-in":
        # a page sends a browser to sign in; htmx (it would swap the form in) and JSON get 401
        json = key[0].split(".")[0] in JSON_BLUEPRINTS
        if status == 401 and (json or role == w.ANONYMOUS_HTMX):
            return None
        location = response.headers.get("Location", "")
        if status in (302, 303) and location.startswith("/auth/sign-in") and not json:
            return None if role == w.ANONYMOUS else f"expected 401 for htmx, got {status_text}"
        return f"expected {'401' if json else 'a redirect to sign-in'}, got {status_text}"
    if outcome == "not found":
        return None if status == 404 else f"expected 404, got {status_text}"
    if status < 400 or status in ALSO_FINE.get(key, ()):
        return None
    return f"expected to be let in, got {status_text}"


# What each write sends: a valid request, so an allowed caller gets through. ------------------


def request_for(endpoint: str, method: str, world: w.World, role: str) -> dict:
    if method in READ_METHODS:
        return {"query_string": QUERIES.get(endpoint, {})}
    make = REQUESTS.get(endpoint)
    return make(world, role) if make else {}


def _form(**fields):
    return lambda world, role: {"data": {"client_id": w.new_id(), **fields}}


def _set_form(world, role):
    return _form(exercise="Squat", lift="squat", load="150", reps="5", rpe="8")(world, role)


def _sign_up(world, role):
    slug = role.replace(" ", "-").replace("(", "").replace(")", "")
    return {
        "data": {
            "email": f"new-{slug}@example.com",
            "display_name": "New Lifter",
            "password": "a long enough password",
            "confirm": "a long enough password",
        }
    }


def _meet(world, role):
    from app.web.onboarding.base import local_today

    day = local_today("UTC").toordinal() + 70
    return _form(name="Open", meet_date=_date(day), federation="IPF")(world, role)


def _date(ordinal: int) -> str:
    from datetime import date

    return date.fromordinal(ordinal).isoformat()


def _history(world, role):
    from app.web.onboarding.base import local_today

    csv = demo.demo_history_csv(local_today("UTC"))
    return {"data": {"export": (io.BytesIO(csv.encode()), "strong.csv")}}


def _session_edit(world, role):
    fields = {}
    for ex in world.exercise_ids:
        fields.update({f"ex{ex}_sets": "3", f"ex{ex}_reps": "5", f"ex{ex}_rpe": "8"})
    return {"data": fields}


def _machine(world, role):
    return _form(
        brand="Hammer Strength",
        model="Belt squat",
        machine_type="other",
        gym_name="",
        notes="",
        is_public="private",
        **{"settings-0-name": "Belt", "settings-0-value": "2"},
    )(world, role)


def _gym(world, role):
    return _form(name=f"Gym of {role}", preset="kg-gym", unit="kg", plate_unit="kg", target="100")(
        world, role
    )


def _pin(world, role):
    return _form(squat_opener="180", squat_second="190", squat_third="197.5")(world, role)


def _prompt(world, role):
    return {"data": {"body": prompts.current(TEMPLATE_NAMES[0]).body}}


def _subscription(world, role):
    return {"json": Browser().subscription(f"https://push.example/{w.new_id()}")}


def _onboarding_step(world, role):
    return {
        "data": {
            "client_id": w.new_id(),
            "mass_unit": "kg",
            "height_unit": "cm",
            "sex": "F",
            "age": "29",
            "bodyweight": "63",
            "height_cm": "165",
            "time_zone": "Europe/London",
        }
    }


def _upload(world, role):
    return {"headers": {"Tus-Resumable": "1.0.0", "Upload-Length": "100"}}


def _chunk(world, role):
    return {
        "headers": {
            "Tus-Resumable": "1.0.0",
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
        "data": b"\0" * 10,
    }


QUERIES = {
    "api.calc_plates": {"target": "140", "unit": "kg"},
    "api.calc_points": {"formula": "dots", "sex": "F", "bodyweight": "63", "total": "400"},
    "api.calc_e1rm": {"load": "140", "reps": "5", "rpe": "8", "formula": "rpe"},
}


def _json(**fields):
    return lambda world, role: {"json": fields, "headers": {"Idempotency-Key": w.new_id()}}


def _api_meet(world, role):
    from app.web.onboarding.base import local_today

    day = _date(local_today("UTC").toordinal() + 70)
    return _json(name="Open", meet_date=day, federation="IPF")(world, role)


REQUESTS = {
    "auth.sign_up": _sign_up,
    "auth.sign_in": lambda world, role: {
        "data": {"email": world.user(w.OWNER).email, "password": w.PASSWORD}
    },
    "onboarding.show_step": _onboarding_step,
    "planner.edit_meet": _meet,
    "planner.show_history": _history,
    "planner.start_workout": _form(),
    "planner.create_set": _set_form,
    "planner.create_session_set": _set_form,
    "planner.complete_workout": _form(notes="Felt fast."),
    "planner.complete_session_workout": _form(notes="Felt fast."),
    "feed.follow_athlete": lambda world, role: {"data": {"follow": "1"}},
    "feed.enter_passcode": lambda world, role: {"data": {"passcode": "chalk"}},
    "feed.toggle_like": lambda world, role: {"data": {"liked": "1"}},
    "feed.create_comment": _form(body="Depth looks good"),
    "feed.edit_comment": lambda world, role: {"data": {"body": "0:01 great depth"}},
    "media.create_upload": _upload,
    "media.append_upload": _chunk,
    "dms.send": _form(body="See you at the meet"),
    "dms.pin": _pin,
    "dms.block": lambda world, role: {"data": {"block": "1"}},
    "tools.save_gym": _gym,
    "tools.create_machine": _machine,
    "tools.edit_machine": _machine,
    "tools.delete_machine": _form(),
    "tools.copy_machine": _form(),
    "coach.join": lambda world, role: {"data": {"code": world.invite_code}},
    "coach.edit_session": _session_edit,
    "ai.edit_prompt": _prompt,
    "admin.update_user_role": lambda world, role: {"data": {"role": "athlete"}},
    "push.create_subscription": _subscription,
    "onboarding.create_api_token": _form(name="Spreadsheet", scopes="read"),
    "api.create_meet": _api_meet,
    "api.create_workout": _json(title="Extra work"),
    "api.create_set": _json(exercise="Squat", lift="squat", load_kg=150, reps=5, rpe=8),
    "api.complete_workout": lambda world, role: {"json": {"notes": "Felt fast."}},
    "api.create_machine_note": _json(brand="Rogue", model="Belt squat"),
    "push.delete_subscription": lambda world, role: {
        "data": json.dumps({"endpoint": "https://push.example/gone"}),
        "content_type": "application/json",
    },
}
