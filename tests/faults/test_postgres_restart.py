"""PostgreSQL restarted during a burst of writes (issue "Reliability").

Twenty signed-in athletes write at once to the Procfile's web process (gunicorn with
gunicorn.conf.py and production settings): half through the web forms (session cookie and
CSRF token, as a browser), half through the JSON API (a token), every write carrying its
client id (the form's hidden id, or an Idempotency-Key). Meanwhile PostgreSQL goes down
twice, a fast shutdown and then an immediate one (a crash it recovers from on start), and
stays down until both kinds of client have been told so.

Every answer is the write's success or a clean 503 (the "briefly unavailable" page, or JSON
under /api/, with Retry-After), never a 500 nor a dropped connection; a write that got a 503
is sent again with the same id until it succeeds, as the service worker's queue would.
Afterwards nothing is half-written (each meet has its plan, reminders and outbox event; each
workout its sets, its e1RM and its outbox event), and sending every 503'd write once more
leaves exactly one row per client id.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from app.domain.reminders import reminder_times
from app.extensions import db
from app.models import (
    AthleteProfile,
    LiftEstimate,
    Meet,
    OutboxEvent,
    PlanSession,
    Reminder,
    User,
    Workout,
    WorkoutSet,
)
from app.models.types import utcnow
from app.services import api_tokens, hashing, planner
from tests.faults.processes import wait_until
from tests.web.world import PROFILE

ATHLETES = 20  # threads, one athlete each: even ones use the web forms, odd ones the API
WORKOUTS = 2  # per athlete, each of a session of the athlete's plan
SETS = 4  # per workout
PASSWORD = "correct horse battery"
TITLE, MESSAGE = "Meetday is briefly unavailable", "Nothing was saved; try again in a moment."
DOWN_UNTIL = 5  # PostgreSQL stays down until web and API clients each got this many 503s
WRITE_SECONDS = 30  # a write must have succeeded this long after it was first sent
WEB_WRITES = 1 + WORKOUTS * (SETS + 1)  # a meet, then per workout its sets and completion
API_WRITES = 1 + WORKOUTS * (SETS + 2)  # the same, plus starting each workout
WRITES = ATHLETES // 2 * (WEB_WRITES + API_WRITES)


@dataclass(frozen=True)
class Athlete:
    index: int
    user_id: int
    email: str
    sessions: tuple[int, ...]
    token: str

    @property
    def api(self) -> bool:
        return self.index % 2 == 1


@dataclass(frozen=True)
class Write:
    """One idempotent write: sent again (same URL, body and client id) it changes nothing."""

    key: str  # the client id (form field or Idempotency-Key)
    kind: str  # what it writes: meet, workout, set or completion
    method: str
    url: str
    ok: int  # the status of success
    form: dict | None = None
    json: dict | None = None
    headers: dict = field(default_factory=dict)

    def send(self, client: httpx.Client) -> httpx.Response:
        return client.request(
            self.method, self.url, data=self.form, json=self.json, headers=self.headers
        )


class Tally:
    """What the burst saw, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = self.succeeded = 0
        self.unavailable = Counter()  # 'web' / 'api' -> 503s
        self.problems: list[str] = []
        self.refused: dict[str, tuple[int, Write]] = {}  # key -> (athlete, write) that got a 503
        self.sent: dict[str, set[str]] = {"meet": set(), "workout": set(), "set": set()}

    def record(self, kind: str, key: str) -> None:
        with self.lock:
            self.sent.setdefault(kind, set()).add(key)

    def add(self, **counts) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def unclean(response: httpx.Response, api: bool) -> str | None:
    """Why a 503 is not the clean 'briefly unavailable' answer, or None if it is. (Under
    /api/ Flask-Limiter's headers raise Retry-After to its window's reset when that is later.)"""
    retry_after = response.headers.get("Retry-After", "")
    if not (retry_after == "5" or (api and retry_after.isdigit() and int(retry_after) >= 5)):
        return f"Retry-After {retry_after!r}"
    if api:
        body = response.json() if "json" in response.headers.get("content-type", "") else None
        return None if body == {"error": f"{TITLE}. {MESSAGE}"} else f"body {response.text!r}"
    return None if TITLE in response.text and MESSAGE in response.text else "not the page"


def deliver(client: httpx.Client, athlete: Athlete, write: Write, tally: Tally):
    """Send ``write`` until it succeeds; a 503 is sent again with the same client id."""
    tally.record(write.kind, write.key)
    deadline = time.monotonic() + WRITE_SECONDS
    while True:
        tally.add(requests=1)
        try:
            response = write.send(client)
        except httpx.TransportError as error:  # a reset or refused connection: never
            tally.problems.append(f"{write.method} {write.url}: {error!r}")
            raise
        if response.status_code == write.ok:
            tally.add(succeeded=1)
            return response
        if response.status_code != 503 or unclean(response, athlete.api):
            problem = unclean(response, athlete.api) if response.status_code == 503 else ""
            tally.problems.append(
                f"{write.method} {write.url}: {response.status_code} {problem} "
                f"{response.text[:300]!r}"
            )
            raise AssertionError(tally.problems[-1])
        with tally.lock:
            tally.unavailable["api" if athlete.api else "web"] += 1
            tally.refused[write.key] = (athlete.index, write)
        if time.monotonic() > deadline:
            raise AssertionError(f"{write.method} {write.url}: still 503 after {WRITE_SECONDS} s")
        time.sleep(0.02)  # back off a moment before sending it again


def finished_workout_refuses_replay(write: Write, response: httpx.Response) -> bool:
    """A set whose first sending got a 503 (so it was never stored) and which is re-sent after
    its workout was completed is refused by the web form with 422 and the finished workout's
    page: a finished workout takes no new sets. (A set that *was* stored is recognised by its
    client id first and answers 303.) Nothing is written either way: the rows are checked."""
    return (
        write.kind == "set"
        and write.form is not None
        and response.status_code == 422
        and "See the summary" in response.text
    )


def new_id() -> str:
    return str(uuid.uuid4())


# The athletes' scripts --------------------------------------------------------------------------


def meet_values(athlete: Athlete) -> dict:
    day = datetime.now(UTC).date() + timedelta(weeks=14 + athlete.index % 8)
    return {"name": f"Open {athlete.index}", "meet_date": day.isoformat(), "federation": "IPF"}


def web_writes(athlete: Athlete, client: httpx.Client, tally: Tally) -> None:
    def post(kind: str, url: str, form: dict) -> None:
        key = form["client_id"] = new_id()
        deliver(client, athlete, Write(key, kind, "POST", url, 303, form), tally)

    post("meet", "/planner/meets/new", {**meet_values(athlete), "location": "Leeds"})
    for session_id in athlete.sessions:
        workout_key = new_id()  # the session's workout is made by its first set
        tally.record("workout", workout_key)
        base = f"/planner/sessions/{session_id}/workouts/{workout_key}"
        for n in range(SETS):
            form = {"exercise": "Squat", "lift": "squat", "load": str(130 + 2.5 * n), "reps": "5"}
            post("set", f"{base}/sets", {**form, "rpe": "8"})
        post("completion", f"{base}/complete", {"notes": "Felt fast."})


def api_writes(athlete: Athlete, client: httpx.Client, tally: Tally) -> None:
    def post(kind: str, url: str, body: dict, ok: int = 201) -> httpx.Response:
        key = new_id()
        headers = {"Idempotency-Key": key}
        write = Write(key, kind, "POST", f"/api/v1{url}", ok, json=body, headers=headers)
        return deliver(client, athlete, write, tally)

    post("meet", "/meets", {**meet_values(athlete), "location": "Leeds"})
    for session_id in athlete.sessions:
        workout_id = post("workout", "/workouts", {"plan_session_id": session_id}).json()["id"]
        for n in range(SETS):
            body = {"exercise": "Squat", "lift": "squat", "load_kg": 130 + 2.5 * n, "reps": 5}
            post("set", f"/workouts/{workout_id}/sets", {**body, "rpe": 8})
        post("completion", f"/workouts/{workout_id}/complete", {"notes": "Felt fast."}, ok=200)


def open_client(base_url: str, athlete: Athlete) -> httpx.Client:
    """A phone: its own address (the router's X-Forwarded-For, so sign-in limits count per
    phone), cookies kept, no redirects followed. Production cookies are Secure; the router
    terminates TLS, so this client sends them over the loopback's plain HTTP."""

    def over_plain_http(response: httpx.Response) -> None:
        for cookie in client.cookies.jar:
            cookie.secure = False

    client = httpx.Client(
        base_url=base_url, timeout=30, event_hooks={"response": [over_plain_http]}
    )
    client.headers["X-Forwarded-For"] = f"10.0.{athlete.index // 200}.{athlete.index % 200 + 1}"
    if athlete.api:
        client.headers["Authorization"] = f"Bearer {athlete.token}"
    else:
        sign_in(client, athlete.email)
    return client


def sign_in(client: httpx.Client, email: str) -> None:
    page = client.get("/auth/sign-in")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    form = {"email": email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/auth/sign-in", data=form).status_code == 303, "sign-in failed"
    client.headers["X-CSRFToken"] = client.get("/csrf-token").json()["token"]  # a new session


# Setting up and checking ------------------------------------------------------------------------


def make_athletes(app) -> list[Athlete]:
    """Onboarded athletes, each with a meet and its plan, and an API token."""
    athletes = []
    password_hash = hashing.hash_secret(PASSWORD)  # once: Argon2 is slow on purpose
    today = datetime.now(UTC).date()
    with app.app_context():
        for index in range(ATHLETES):
            user = User(
                email=f"lifter-{index}@example.com",
                display_name=f"Lifter {index}",
                password_hash=password_hash,
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(
                AthleteProfile(user_id=user.id, steps_done=5, completed_at=utcnow(), **PROFILE)
            )
            db.session.commit()
            values = {
                "name": "Nationals",
                "meet_date": today + timedelta(weeks=12),
                "federation": "IPF",
                "location": None,
            }
            meet = planner.save_meet(user, values, new_id(), today).meet
            sessions = tuple(s.id for s in meet.plan.sessions if not s.is_meet)[:WORKOUTS]
            token = api_tokens.create_token(user, "burst", "read write", new_id()).secret
            athletes.append(Athlete(index, user.id, user.email, sessions, token))
        db.session.remove()
    return athletes


def outbox_counts(name: str, key: str) -> Counter:
    payloads = db.session.scalars(select(OutboxEvent.payload).filter_by(name=name))
    return Counter(payload[key] for payload in payloads)


def assert_nothing_half_written(app, sent: dict[str, set[str]]) -> None:
    """Each meet has its plan, reminders and outbox event; each workout is complete with all
    its sets, its e1RM and its outbox event; exactly one row per client id sent."""
    with app.app_context():
        meets = db.session.scalars(select(Meet)).all()
        assert len(meets) == 2 * ATHLETES  # one made in setup, one in the burst
        made_with = Counter(meet.client_id for meet in meets)
        assert all(made_with[key] == 1 for key in sent["meet"]), made_with
        plans = select(PlanSession.plan_id, func.count()).group_by(PlanSession.plan_id)
        sessions = dict(db.session.execute(plans).all())
        reminders = Counter(db.session.scalars(select(Reminder.meet_id)))
        changed = outbox_counts("meet.changed", "meet_id")
        for meet in meets:
            assert meet.plan is not None and sessions.get(meet.plan.id), f"meet {meet.id}: no plan"
            assert reminders[meet.id] == len(reminder_times(meet.meet_date, "UTC")), meet.id
            assert changed[meet.id] == 1, f"meet {meet.id}: {changed[meet.id]} meet.changed events"

        workouts = db.session.scalars(select(Workout)).all()
        assert sorted(w.client_id for w in workouts) == sorted(sent["workout"])
        completed = outbox_counts("workout.completed", "workout_id")
        estimates = Counter(db.session.scalars(select(LiftEstimate.workout_id)))
        for workout in workouts:
            assert workout.completed_at is not None, f"workout {workout.id} not completed"
            assert [s.position for s in workout.sets] == list(range(SETS)), workout.id
            assert completed[workout.id] == 1, (
                f"workout {workout.id}: {completed[workout.id]} events"
            )
            assert estimates[workout.id] == 1, (
                f"workout {workout.id}: {estimates[workout.id]} e1RMs"
            )
        set_keys = db.session.scalars(select(WorkoutSet.client_id)).all()
        assert sorted(set_keys) == sorted(sent["set"])


def outage(pg, tally: Tally, mode: str, after_writes: int) -> None:
    """Once ``after_writes`` writes have succeeded, stop PostgreSQL (``mode``), and start it
    again once web and API clients have each been answered 503 a few times."""
    wait_until(lambda: tally.succeeded >= after_writes or tally.problems, "writes", 60)
    seen = tally.unavailable.copy()
    pg.stop(mode)
    try:
        wait_until(
            lambda: (
                tally.problems
                or all(
                    tally.unavailable[kind] - seen[kind] >= DOWN_UNTIL for kind in ("web", "api")
                )
            ),
            f"503s while PostgreSQL is down ({mode})",
            20,
        )
    finally:
        pg.start()


def test_postgres_restarts_during_a_burst_of_writes_answer_clean_503s_and_lose_nothing(
    fault_app, fault_pg, fault_web
):
    athletes = make_athletes(fault_app)
    tally = Tally()
    clients: dict[int, httpx.Client] = {}
    ready = threading.Barrier(ATHLETES + 1, timeout=60)

    def run(athlete: Athlete) -> None:
        try:
            clients[athlete.index] = open_client(fault_web.url, athlete)
            ready.wait()
        except Exception:
            ready.abort()
            raise
        (api_writes if athlete.api else web_writes)(athlete, clients[athlete.index], tally)

    try:
        with ThreadPoolExecutor(ATHLETES) as pool:
            futures = [pool.submit(run, athlete) for athlete in athletes]
            try:
                ready.wait()  # every athlete signed in
            except threading.BrokenBarrierError:
                for future in futures:
                    future.result(timeout=60)  # raises what broke the barrier
                raise
            started = time.monotonic()
            outage(fault_pg, tally, "fast", WRITES // 4)
            outage(fault_pg, tally, "immediate", WRITES * 3 // 5)
            for future in futures:
                future.result(timeout=120)
            elapsed = time.monotonic() - started
        assert not tally.problems, tally.problems
        assert tally.succeeded == WRITES and fault_pg.starts == 3
        assert min(tally.unavailable["web"], tally.unavailable["api"]) >= 2 * DOWN_UNTIL

        # every write that was refused, sent once more with its client id: a replay
        for index, write in tally.refused.values():
            response = write.send(clients[index])
            if not finished_workout_refuses_replay(write, response):
                assert response.status_code == write.ok, (write.url, response.text[:300])
    finally:
        for client in clients.values():
            client.close()

    assert "Error handling request" not in fault_web.output()  # gunicorn's own bare 500
    assert_nothing_half_written(fault_app, tally.sent)
    print(
        f"\n{tally.requests} requests in {elapsed:.1f} s ({WRITES} writes): "
        f"{sum(tally.unavailable.values())} answered 503 ({dict(tally.unavailable)}), "
        f"{len(tally.refused)} writes re-sent"
    )
