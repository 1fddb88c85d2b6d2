"""Benchmark: Meetday as production runs it (gunicorn.conf.py, MEETDAY_ENV=production, on
PostgreSQL and Redis), loaded with wrk. For the feed, today's session (/planner) and a set
logged through the JSON API it prints throughput and p50/p99 latency, and each as a ratio to a
bare route (/healthz) on the same server; then the SQL statements each page runs with few and
with many rows on it (no N+1: the count must not grow).

Run: BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_http \\
     BENCH_REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/http_load.py [seconds]
Needs wrk (apt-get install wrk). The database and the Redis db are emptied and filled:
never point them at data you keep. WEB_CONCURRENCY (default 2) sets the gunicorn workers;
BENCH_CONNECTIONS (default 8) the open connections.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import serving  # noqa: E402  (bench/serving.py: free_port, csrf_token)

PASSWORD = "bench-password-1"
BROWSER = {"User-Agent": serving.USER_AGENT}  # the one the load generator sends too
FEED_POSTS = 400
SET_LUA = """
-- every request a new set: a fresh Idempotency-Key per thread and request
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("prefix", threads .. "-" .. os.time())
end
local n = 0
request = function()
  n = n + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. prefix .. "-" .. n
  return wrk.format("POST", nil, nil,
    '{"exercise": "Squat", "lift": "squat", "load_kg": 140, "reps": 5, "rpe": 8}')
end
"""


def main(seconds: int) -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    database = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_http"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    ensure_database(database)
    with tempfile.TemporaryDirectory() as work:
        media = Path(work) / "media"
        app = bench_app(database, redis_url, media)
        ids = seed(app, redis_url)
        counts = sql_counts(app, ids)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
        app.extensions["redis"].close()
        server = production_server(database, redis_url, media, Path(work))
        with server as base:
            results = load(base, ids, seconds)
        log = server.log.read_text().splitlines()
    report(results, counts, seconds)
    access = [line for line in log if line.startswith("request_id=")]
    failed = [line for line in access if re.search(r'" 5\d\d ', line)]
    tracebacks = sum("Traceback" in line for line in log)
    print(
        f"\nserver log: {len(access)} requests, {len(failed)} answered 5xx, {tracebacks} tracebacks"
        + (f"; e.g. {access[-1]}" if access else "")
    )


# The database -------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """Create the benchmark database when it isn't there yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if not found:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def bench_app(database: str, redis_url: str, media: Path):
    """The app in this process, for seeding and counting statements: the database and Redis
    of the server, jobs queued (never run here), no CSRF or rate limits for the test client."""
    from app import create_app

    return create_app(
        {
            "MEETDAY_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": database,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(media),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "ASSETS_AUTO_BUILD": False,
        }
    )


def seed(app, redis_url: str) -> dict:
    """Empty the database and Redis db, migrate, and add: an athlete with a plan to a meet 10
    weeks out (today's session), another 16 weeks out, a lifter she follows with FEED_POSTS
    posts and one with 3, workouts with 1 and with 40 sets, and an API token."""
    import flask_migrate
    from sqlalchemy import insert, text

    from app.extensions import db
    from app.models import Follow, Post
    from app.services import accounts, api_tokens, planner, workouts

    app.extensions["redis"].flushdb()
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        flask_migrate.upgrade()  # as the release phase does
        athlete = _athlete("athlete@bench.test")
        far = _athlete("far@bench.test")
        busy = accounts.register("busy@bench.test", PASSWORD, "Busy Poster", "coach")
        quiet = accounts.register("quiet@bench.test", PASSWORD, "Quiet Poster", "coach")
        db.session.add(Follow(follower_id=athlete.id, followee_id=busy.id))
        start = datetime.now(UTC) - timedelta(days=30)
        rows = [
            {
                "user_id": author.id,
                "client_id": f"bench-{author.id}-{n}",
                "movement": "squat",
                "load_kg": Decimal(200),
                "rpe": Decimal(8),
                "caption": "Top single, depth felt good.",
                "visibility": "public",
                "status": "ready",
                "attempts": 0,
                "like_count": 0,
                "comment_count": 0,
                "duration_seconds": 4.0,
                "width": 720,
                "height": 1280,
                "media": {
                    "video": f"posts/{n}/video.mp4",
                    "poster_webp": f"posts/{n}/poster.webp",
                    "poster_jpeg": f"posts/{n}/poster.jpg",
                },
                "created_at": start + timedelta(minutes=n),
            }
            for author, total in ((busy, FEED_POSTS), (quiet, 3))
            for n in range(total)
        ]
        db.session.execute(insert(Post), rows)
        db.session.commit()
        today = datetime.now(UTC).date()
        for user, weeks in ((athlete, 10), (far, 16)):
            meet = {
                "name": "Open",
                "meet_date": today + timedelta(weeks=weeks),
                "federation": "IPF",
            }
            planner.save_meet(user, meet, str(uuid.uuid4()), today)
        short = workouts.start_workout(athlete, str(uuid.uuid4()), title="Short")
        long = workouts.start_workout(athlete, str(uuid.uuid4()), title="Long")
        for workout, sets in ((short, 1), (long, 40)):
            for _ in range(sets):
                workouts.log_set(
                    athlete,
                    workout,
                    "Squat",
                    "squat",
                    Decimal(140),
                    5,
                    Decimal(8),
                    str(uuid.uuid4()),
                )
        target = workouts.start_workout(athlete, str(uuid.uuid4()), title="Loaded by wrk")
        token = api_tokens.create_token(athlete, "bench", "read write", str(uuid.uuid4()))
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return {
            "athlete": athlete.id,
            "far": far.id,
            "busy": busy.id,
            "quiet": quiet.id,
            "short": short.id,
            "long": long.id,
            "target": target.id,
            "token": token.secret,
        }


def _athlete(email: str):
    """An athlete with a finished profile (bests, schedule): a plan can be built for her."""
    from app.extensions import db
    from app.models import AthleteProfile
    from app.models.types import utcnow
    from app.services import accounts

    user = accounts.register(email, PASSWORD, "Bench Athlete")
    db.session.add(
        AthleteProfile(
            user_id=user.id,
            steps_done=5,
            completed_at=utcnow(),
            sex="F",
            age=29,
            bodyweight_kg=Decimal("62.5"),
            height_cm=Decimal(165),
            federation="IPF",
            squat_best_kg=Decimal(140),
            squat_best_reps=1,
            bench_best_kg=Decimal(80),
            bench_best_reps=1,
            deadlift_best_kg=Decimal(170),
            deadlift_best_reps=1,
            days_per_week=4,
            session_minutes=90,
            most_important_lift="squat",
            least_important_lift="bench",
            volume_preference="medium",
            squat_recovery=3,
            bench_recovery=3,
            deadlift_recovery=3,
            recovers_from_heavy_deadlifts=True,
        )
    )
    db.session.commit()
    return user


# SQL statements per page ----------------------------------------------------------------------


def sql_counts(app, ids: dict) -> list[tuple[str, str, int, str, int]]:
    """(page, few, statements, many, statements) for each page, in-process."""
    from sqlalchemy import event

    from app.extensions import db

    statements: list[str] = []

    def count(*args):
        statements.append(args[2])

    def run(method: str, path: str, user_id: int | None, **kwargs) -> int:
        client = app.test_client()
        if user_id is not None:
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = str(user_id), True
        client.open(path, method=method, **kwargs)  # warm: caches, first connection
        statements.clear()
        response = client.open(path, method=method, **kwargs)
        if response.status_code >= 400:
            sys.exit(f"{method} {path}: HTTP {response.status_code}")
        return len(statements)

    def api_set(workout: int) -> int:
        headers = {"Authorization": f"Bearer {ids['token']}"}
        body = {"exercise": "Squat", "lift": "squat", "load_kg": 140, "reps": 5, "rpe": 8}
        return run("POST", f"/api/v1/workouts/{workout}/sets", None, headers=headers, json=body)

    with app.app_context():
        engine = db.engine
    # Requests run outside any app context of ours, each in its own, as under gunicorn: a
    # shared one would keep the session's identity map (and its lazy loads) across requests.
    event.listen(engine, "before_cursor_execute", count)
    a = ids["athlete"]
    rows = [
        (
            "feed, a lifter's page",
            "3 posts",
            run("GET", f"/feed/athletes/{ids['quiet']}", a),
            "10 (a full page of 400)",
            run("GET", f"/feed/athletes/{ids['busy']}", a),
        ),
        (
            "today's session (/planner)",
            "10-week plan",
            run("GET", "/planner", a),
            "16-week plan",
            run("GET", "/planner", ids["far"]),
        ),
        (
            "a workout",
            "1 set",
            run("GET", f"/planner/workouts/{ids['short']}", a),
            "40 sets",
            run("GET", f"/planner/workouts/{ids['long']}", a),
        ),
    ]
    if has_api_sets(app):
        rows.append(
            ("API: log a set", "workout of 2", api_set(ids["short"]), "of 41", api_set(ids["long"]))
        )
    event.remove(engine, "before_cursor_execute", count)
    return rows


def has_api_sets(app) -> bool:
    return any(
        rule.endpoint == "api.create_set" and "POST" in rule.methods
        for rule in app.url_map.iter_rules()
    )


# The server -----------------------------------------------------------------------------------


class production_server:
    """gunicorn -c gunicorn.conf.py wsgi:app with MEETDAY_ENV=production, as the Procfile's
    web process runs; yields the base URL. The access log goes to a file (it costs what it
    costs in production)."""

    def __init__(self, database: str, redis_url: str, media: Path, work: Path):
        self.port = serving.free_port()
        self.log = work / "gunicorn.log"
        self.env = {
            **os.environ,
            "MEETDAY_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database,
            "REDIS_URL": redis_url,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
            "MEDIA_ROOT": str(media),
            # production's limit is per token per minute; wrk sends thousands a second
            "API_RATE_LIMIT": "100000000 per minute",
        }

    def __enter__(self) -> str:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.output = open(self.log, "w")  # noqa: SIM115 (closed in __exit__)
        self.server = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                sys.exit(f"gunicorn exited ({self.server.returncode}):\n{self.log.read_text()}")
            try:
                requests.get(f"{base}/healthz", timeout=5)
                return base
            except requests.RequestException:
                time.sleep(0.2)
        sys.exit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc_info) -> None:
        self.server.terminate()  # SIGTERM: a graceful stop, as the platform sends
        try:
            self.server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.output.close()


def sign_in(base: str, email: str) -> str:
    """A Cookie header for ``email`` signed in through the real form (CSRF on). Production
    cookies are Secure, which an http client won't send back on its own: carried by hand."""
    page = requests.get(f"{base}/auth/sign-in", headers=BROWSER, timeout=30)
    jar = _cookies(page)
    answer = requests.post(
        f"{base}/auth/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": serving.csrf_token(page.text)},
        headers={"Cookie": _header(jar), **BROWSER},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code not in (302, 303):
        sys.exit(f"sign-in as {email} failed: HTTP {answer.status_code}")
    jar.update(_cookies(answer))
    # Open the page signing in leads to, as a browser would (serving.sign_in says why).
    landing = requests.get(
        urljoin(f"{base}/", answer.headers["Location"]),
        headers={"Cookie": _header(jar), **BROWSER},
        timeout=30,
    )
    jar.update(_cookies(landing))
    return _header(jar)


def _cookies(response) -> dict[str, str]:
    jar = {}
    for line in response.raw.headers.getlist("Set-Cookie"):
        for name, morsel in SimpleCookie(line).items():
            jar[name] = morsel.value
    return jar


def _header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


# Load -----------------------------------------------------------------------------------------


def load(base: str, ids: dict, seconds: int) -> list[dict]:
    cookie = sign_in(base, "athlete@bench.test")
    for path in ("/feed?tab=discover", "/planner"):  # signed in, and the pages answer 200
        answer = requests.get(base + path, headers={"Cookie": cookie, **BROWSER}, timeout=30)
        if answer.status_code != 200:
            sys.exit(f"GET {path}: HTTP {answer.status_code}")
    targets = [
        ("bare route (/healthz)", "/healthz", [], None),
        ("feed (/feed?tab=discover)", "/feed?tab=discover", ["-H", f"Cookie: {cookie}"], None),
        ("today's session (/planner)", "/planner", ["-H", f"Cookie: {cookie}"], None),
    ]
    api = requests.get(f"{base}/api/v1/openapi.json", timeout=30)
    if api.status_code == 200 and "/api/v1/workouts/{workout_id}/sets" in api.text:
        headers = ["-H", f"Authorization: Bearer {ids['token']}"]
        headers += ["-H", "Content-Type: application/json"]
        targets.append(
            ("API: log a set (POST)", f"/api/v1/workouts/{ids['target']}/sets", headers, SET_LUA)
        )
    else:
        targets.append(("API: log a set (POST)", None, [], None))
    # the bare route before and after each page: the ratios compare runs minutes apart at
    # most, so load from elsewhere on the machine moves both sides alike
    bare_name, bare_path, bare_extra, _ = targets[0]
    bares = [wrk(base + bare_path, bare_extra, None, seconds)]
    results = []
    for name, path, extra, lua in targets[1:]:
        if path is None:
            results.append({"name": name, "skipped": "skipped: no API"})
            continue
        row = {"name": name, **wrk(base + path, extra, lua, seconds)}
        bares.append(wrk(base + bare_path, bare_extra, None, seconds))
        row["bare"] = {key: (bares[-2][key] + bares[-1][key]) / 2 for key in ("rate", "p50", "p99")}
        results.append(row)
    bare = {key: sum(b[key] for b in bares) / len(bares) for key in ("rate", "p50", "p99")}
    bad = sum(b["bad"] for b in bares)
    return [
        {"name": f"{bare_name}, mean of {len(bares)}", **bare, "bad": bad, "errors": ""},
        *results,
    ]


def wrk(url: str, extra: list[str], lua: str | None, seconds: int) -> dict:
    connections = os.environ.get("BENCH_CONNECTIONS", "8")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra]
    command += ["-H", f"User-Agent: {serving.USER_AGENT}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if lua:
            script.write(lua)
            script.flush()
            command += ["-s", script.name]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rate": rate,
        "p50": _ms(percentiles["50"]),
        "p99": _ms(percentiles["99"]),
        "bad": int(bad.group(1)) if bad else 0,
        "errors": errors.group(0) if errors else "",
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def report(results: list[dict], counts: list, seconds: int) -> None:
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    connections = os.environ.get("BENCH_CONNECTIONS", "8")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"gunicorn -c gunicorn.conf.py wsgi:app, MEETDAY_ENV=production, {workers} sync workers, "
        f"PostgreSQL + Redis; wrk -t2 -c{connections} -d{seconds}s per run, {os.cpu_count()} CPUs, "
        f"load average now {load}\n"
    )
    print(
        f"{'route':32} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}"
        f"   ratio to the bare route: {'req/s':>6} {'p50':>6} {'p99':>6}"
    )
    for row in results:
        if "skipped" in row:
            print(f"{row['name']:32} {row['skipped']}")
            continue
        line = f"{row['name']:32} {row['rate']:7.0f} {row['p50']:8.2f} {row['p99']:8.2f}"
        bare = row.get("bare")
        if bare:  # the bare runs just before and after this one
            line += (
                f"   {'':24} {row['rate'] / bare['rate']:6.2f} {row['p50'] / bare['p50']:6.1f}"
                f" {row['p99'] / bare['p99']:6.1f}"
            )
        print(line)
        if row["bad"] or row["errors"]:
            print(f"{'':32} {row['bad']} non-2xx/3xx answers; {row['errors']}")
    print("\nSQL statements per request (in-process, same database):")
    for page, few, few_count, many, many_count in counts:
        verdict = "flat" if few_count == many_count else "GROWS: N+1?"
        print(f"  {page:28} {few:>14}: {few_count:3}   {many:>24}: {many_count:3}   {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
