"""Every form in the app, fuzzed: render every page as someone allowed to see it, find each
<form> (POST, and the GET forms of the calculators and searches), then send it values from
hypothesis (unicode, huge strings, NUL bytes, negative and huge numbers, impossible dates,
fields missing or sent twice). Bad input gets a 4xx, never a 5xx.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.extensions import db
from app.web import access
from tests.web import world as w

# Per form: with ~50 forms the file stays well under a minute and a half. FUZZ_EXAMPLES=200
# digs deeper (minutes), for a run by hand after changing forms.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
# Forms that change who may do what (sign out, leave the coach, block, delete ...) go last,
# so they can't take away what the other forms post to.
LAST = re.compile(r"(sign-out|leave|block|delete|revoke|role|unpin|complete)")
# Pages that are files or JSON, not HTML with forms.
NOT_PAGES = {"static", "media.show_media", "ops.sw", "ops.manifest", "ops.csrf_token"}

# What a person (or a script) might type ------------------------------------------------------

NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "abc\x00def",
        "x" * 100_000,
        "💪" * 500,
        "\u202eevil",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "\r\n\r\n",
        "NaN",
        "Infinity",
        "-0",
        "1e309",
        "9" * 400,
        "-2147483649",
        "2147483648",
        "99999999999999999999",
        "0x1F",
        "١٢٣",
        "１２",
        "2027-02-30",
        "0000-00-00",
        "9999-12-31",
        "12:34",
        "true",
        "null",
        "[]",
        "{}",
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
DATES = st.one_of(st.dates().map(str), st.dates().map(lambda d: d.strftime("%d/%m/%Y")))
TEXT = st.text(max_size=60)  # any unicode (hypothesis leaves out lone surrogates)
UUIDS = st.uuids().map(str)


@dataclass
class Field:
    name: str
    kind: str  # input type, 'textarea' or 'select'
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    method: str
    action: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    """The <form>s of a page with their named inputs, textareas and selects."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self.form, self.select = page, [], None, None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = (a.get("method") or "get").upper()
            action = a.get("action") or a.get("hx-post") or self.page
            self.form = Form(self.page, method, action, "multipart" in a.get("enctype", ""))
            self.forms.append(self.form)
        elif self.form is None or not a.get("name") or "disabled" in a:
            return
        elif tag == "input" and a.get("type", "text") not in ("submit", "button", "reset", "image"):
            kind = a.get("type", "text").lower()
            known = self.form.fields.get(a["name"])
            if kind == "radio" and known is not None:
                known.options.append(a.get("value", "on"))
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self.form.fields[a["name"]] = Field(a["name"], kind, value, [value])
        elif tag == "textarea":
            self.textarea = self.form.fields[a["name"]] = Field(a["name"], "textarea")
        elif tag == "select":
            self.select = self.form.fields[a["name"]] = Field(a["name"], "select")
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
            if "selected" in a or not self.select.value:
                self.select.value = a.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None


def typed(f: Field):
    """Values of the field's own kind, sensible and not."""
    if f.kind == "number":
        return NUMBERS
    if f.kind == "date":
        return DATES
    if f.kind in ("select", "radio") and f.options:
        return st.sampled_from(f.options)
    if f.kind == "checkbox":
        return st.sampled_from(["y", "on", "1", "0", "false"])
    if f.name == "client_id":
        return UUIDS
    if f.kind == "email":
        return st.emails().map(str)
    return TEXT


def one_value(f: Field):
    if f.kind == "file":
        return st.tuples(
            st.binary(max_size=2048),
            st.sampled_from(["a.csv", "clip.mp4", "x.jpg", "", "../../etc/passwd", "a\x00.mp4"]),
        ).map(lambda pair: (io.BytesIO(pair[0]), pair[1]))
    return st.one_of(st.just(f.value), typed(f), NASTY)


@st.composite
def submissions(draw, form: Form) -> dict:
    """Form data: each field kept as rendered, changed, left out, or sent twice."""
    data = {}
    for f in form.fields.values():
        shape = draw(st.sampled_from(["same", "fuzzed", "fuzzed", "fuzzed", "missing", "twice"]))
        if shape == "missing":
            continue
        if shape == "same" and f.kind != "file":
            data[f.name] = f.value
        elif shape == "twice" and f.kind != "file":
            data[f.name] = [draw(one_value(f)), draw(one_value(f))]
        else:
            data[f.name] = draw(one_value(f))
    return data


# Finding the forms -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(app):
    yield from w.world_with_push(app)


def viewer(endpoint: str) -> str | None:
    """Who opens the page: someone it is for (None: signed out)."""
    audience = access.audience(endpoint)
    return {
        access.PUBLIC: None,
        access.STAFF: w.COACH,
        access.COACH_OF: w.COACH,
        access.ADMIN: w.ADMIN,
    }.get(audience, w.OWNER)


def client_for(app, world: w.World, role: str | None):
    g.pop("_login_user", None)  # the module's app context is shared by the requests
    client = app.test_client()
    if role is not None:
        w.sign_in(client, world.user(role))
    return client


def page_urls(app, world: w.World):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.endpoint.startswith("api.") or access.audience(rule.endpoint) is None:
            continue
        values = {
            name: w.url_value(name, rule.endpoint, world, "public") for name in rule.arguments
        }
        if rule.endpoint == "admin.show_user":  # the admin edits someone else, not the owner
            values["user_id"] = world.user(w.ATHLETE).id
        yield rule.endpoint, rule.build(values, append_unknown=False)[1]


def discover(app, world: w.World) -> list[tuple[str | None, Form]]:
    found: dict[tuple, tuple[str | None, Form]] = {}
    pages = list(page_urls(app, world))
    for endpoint, url in pages:
        role = viewer(endpoint)
        response = client_for(app, world, role).get(url)
        if response.status_code != 200 or "html" not in response.mimetype:
            continue
        parser = FormParser(url)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form.fields:
                found.setdefault((role, *form.key), (role, form))
    db.session.commit()
    assert len(pages) > 40, f"only {len(pages)} pages: is the URL map walked?"
    return sorted(found.values(), key=lambda item: bool(LAST.search(item[1].action)))


def fuzz(app, world: w.World, role: str | None, form: Form) -> str | None:
    """Run hypothesis on one form; the failure (shrunk), or None."""
    target = urlsplit(form.action)
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(target.path, method=form.method)
    except (NotFound, MethodNotAllowed):
        return f"the form on {form.page} posts to {form.action}, which no route answers"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=submissions(form))
    def post(data):
        client = client_for(app, world, role)
        try:
            if form.method == "GET":
                response = client.get(target.path, query_string=data)
            else:
                response = client.open(
                    target.path,
                    method=form.method,
                    query_string=target.query,
                    data=data,
                    content_type="multipart/form-data" if form.multipart else None,
                )
        except Exception as error:
            db.session.rollback()
            message = str(error).splitlines()[0][:300]
            raise AssertionError(
                f"{type(error).__name__}: {message}; sent {short(data)}"
            ) from error
        finally:
            db.session.commit()  # end the shared session's transaction either way
        response.close()
        assert response.status_code < 500, f"HTTP {response.status_code}; sent {short(data)}"

    try:
        post()
    except AssertionError as failure:
        return f"{form.method} {form.action} (form on {form.page}, as {role}): {failure}"
    return None


def short(data: dict) -> str:
    """The submission, each value cut to a readable length."""
    return "{" + ", ".join(f"{k!r}: {repr(v)[:60]}" for k, v in data.items()) + "}"


def test_every_form_answers_nonsense_with_a_4xx_never_a_5xx(app, world):
    forms = discover(app, world)
    actions = {urlsplit(form.action).path for _, form in forms}
    for expected in (  # a sample of what must be among them: the discovery really works
        "/auth/sign-out",
        f"/planner/workouts/{world.workout_id}/sets",
        "/planner/meets/new",
        "/planner/history",
        f"/messages/{world.conversation_id}",
        f"/feed/posts/{world.posts['public']}/comments",
        "/tools/machines/new",
        "/profile/steps/1",
        "/coach/invites",
    ):
        assert expected in actions, f"no form posts to {expected}; found {sorted(actions)}"
    failures = [problem for role, form in forms if (problem := fuzz(app, world, role, form))]
    assert not failures, f"{len(failures)} of {len(forms)} forms failed:\n" + "\n\n".join(failures)


# Requests no form makes, that a script (or an attacker) might ---------------------------


def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode()


ODD_REQUESTS = [  # (method, path with the world's ids, request keywords, status expected)
    ("HEAD", "/media/uploads/%00", {}, 400),
    ("GET", "/coach/join/%00%00%00%00%00%00%00%00", {}, 400),
    ("POST", "/coach/join", {"data": {"code": ["ABCDEFGH", "\x00" * 8]}}, 400),
    ("GET", "/planner/sessions/{session_id}/workout%00", {}, 400),
    ("POST", "/push/subscriptions", {"json": {"endpoint": "https://push.example/\x00"}}, 400),
    ("POST", "/push/subscriptions/delete", {"json": {"endpoint": "x\x00"}}, 400),
    (
        "POST",
        "/push/subscriptions",
        {"data": "[" * 100_000, "content_type": "application/json"},
        400,
    ),
    ("POST", "/api/v1/meets", {"data": "[" * 100_000, "content_type": "application/json"}, 400),
    # an upload's name loses its control characters; a reply to no comment is a comment
    (
        "POST",
        "/media/uploads",
        {"headers": {"Upload-Length": "100", "Upload-Metadata": "filename " + _b64(b"a\x00b")}},
        201,
    ),
    (
        "POST",
        "/feed/posts/{post_id}/comments",
        {"data": {"body": "hi", "parent_id": "9" * 30}},
        303,
    ),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), ODD_REQUESTS)
def test_input_no_database_takes_never_reaches_it(app, world, method, path, kwargs, status):
    """NUL characters (PostgreSQL text refuses them) in a path, a repeated form field, JSON
    or an upload's name; JSON nested past the decoder's depth; ids past 32 bits."""
    path = path.format(session_id=world.session_id, post_id=world.posts["public"])
    try:
        response = client_for(app, world, w.OWNER).open(path, method=method, **kwargs)
    finally:
        db.session.rollback()
        db.session.commit()
    assert response.status_code == status
