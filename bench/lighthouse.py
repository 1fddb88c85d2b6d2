"""Benchmark: Lighthouse with its phone profile on the feed and today's session, signed in as
the demo athlete; records the scores and the first-load JavaScript in docs/lighthouse.md.

Targets: performance >= 95, accessibility >= 95, first-load JavaScript <= 30 kB gzipped.

Run: .venv/bin/python bench/lighthouse.py          (demo data in a temporary SQLite file)
     BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/lighthouse.py
     (that database is emptied, migrated and seeded: never point it at data you keep)
BENCH_RUNS (default 5) runs per page: the run with the median performance score is reported;
BENCH_KEEP_REPORTS=<folder> keeps every run's full Lighthouse JSON report there.
Needs Node 20 and Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). Lighthouse
comes from bench/lighthouse/package-lock.json (`npm ci` on first use), not the app's npm deps.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import serving

ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = ROOT / "bench" / "lighthouse"
REPORT = ROOT / "docs" / "lighthouse.md"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
TARGETS = {"performance": 95, "accessibility": 95}
JS_BUDGET = 30 * 1024  # bytes, gzipped
ATHLETE = ("athlete@meetday.test", "athlete-demo-2026")  # app/services/demo.py


def main() -> None:
    ensure_lighthouse()
    with tempfile.TemporaryDirectory() as work:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work}/bench.db"
        empty_database(url)
        env = {"MEDIA_ROOT": f"{work}/media", "UPLOAD_SCRATCH": f"{work}/uploads"}
        flask("build-assets", env=env)
        flask("db", "upgrade", env={**env, "DATABASE_URL": url})
        flask("seed-demo", env={**env, "DATABASE_URL": url})
        with serving.gunicorn(url, threads=4, csrf=True, env=env) as base:
            session = serving.sign_in(base, *ATHLETE)
            pages = athlete_pages(base, session)
            cookie = serving.cookie_header(session)
            runs = int(os.environ.get("BENCH_RUNS", "5"))
            results = [(name, path, audit(base + path, cookie, runs)) for name, path in pages]
    report = render(results)
    print(report)
    REPORT.write_text(report, encoding="utf-8")
    print(f"written to {REPORT.relative_to(ROOT)}")


def empty_database(url: str) -> None:
    """Drop every table: the demo's media go to a temporary folder, so rows left by an earlier
    run would point at files long gone (and seed-demo, being idempotent, would keep them)."""
    from sqlalchemy import MetaData, create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            tables = MetaData()
            tables.reflect(connection)
            tables.drop_all(connection)
    engine.dispose()


def ensure_lighthouse() -> None:
    if not (LIGHTHOUSE / "node_modules" / "lighthouse").is_dir():
        npm = ["npm", "ci", "--prefix", str(LIGHTHOUSE), "--no-audit", "--no-fund"]
        subprocess.run([*npm, "--loglevel=error"], check=True)


def flask(*args: str, env: dict) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    subprocess.run(command, cwd=ROOT, env={**environ, **env}, check=True, stdout=subprocess.DEVNULL)


def athlete_pages(base: str, session) -> list[tuple[str, str]]:
    """The feed (Discover: the demo's videos) and the plan's session for today (or the next one),
    plus the workout page that 'Start session' opens."""
    plan = session.get(f"{base}/planner", timeout=30).text
    match = re.search(r'id="session-(\d+)"', plan)
    if not match:
        sys.exit("the demo athlete's plan shows no session")
    session_path = f"/planner/sessions/{match.group(1)}"
    started = session.post(
        f"{base}{session_path}/workouts",
        data={"csrf_token": serving.csrf_token(plan), "client_id": str(uuid.uuid4())},
        allow_redirects=False,
        timeout=30,
    )
    if started.status_code != 303:
        sys.exit(f"starting today's workout failed: HTTP {started.status_code}")
    workout_path = started.headers["Location"].removeprefix(base)
    return [
        ("Feed (Discover)", "/feed?tab=discover"),
        ("Today's session", session_path),
        ("Today's workout", workout_path),
    ]


def audit(url: str, cookie: str, runs: int) -> dict:
    """Lighthouse ``runs`` times on ``url`` (phone form factor, simulated throttling): the run
    with the median performance score, with every run's score and load average."""
    found = sorted((lighthouse(url, cookie) for _ in range(runs)), key=lambda r: r["performance"])
    median = found[len(found) // 2]
    return {
        **median,
        "all_performance": [r["performance"] for r in found],
        "loads": [r["load"] for r in found],
    }


def wait_for_quiet(seconds: float = 60) -> float:
    """Lighthouse's simulated throttling scales the CPU time it observes, so other work on the
    machine makes a page look slower than it is: wait (at most ``seconds``) for the one-minute
    load average to fall below one per core. Returns the load average the run starts with."""
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] >= (os.cpu_count() or 1) and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def lighthouse(url: str, cookie: str) -> dict:
    """One Lighthouse run on ``url`` with the session cookie, summarised."""
    load = wait_for_quiet()
    with tempfile.TemporaryDirectory() as work:
        output = Path(work) / "report.json"
        command = [
            "node",
            str(LIGHTHOUSE / "node_modules" / "lighthouse" / "cli" / "index.js"),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
        ]
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run(command, env=env, check=True)
        keep = os.environ.get("BENCH_KEEP_REPORTS")  # a folder for the full JSON reports
        if keep:
            name = re.sub(r"\W+", "-", url.split("/", 3)[-1]).strip("-")
            Path(keep).mkdir(parents=True, exist_ok=True)
            (Path(keep) / f"{name}-{uuid.uuid4().hex[:6]}.json").write_bytes(output.read_bytes())
        return {**summarise(json.loads(output.read_text(encoding="utf-8"))), "load": load}


def summarise(lhr: dict) -> dict:
    """Scores, page scripts (Lighthouse's network requests of type Script), the metrics, the
    failed weighted accessibility audits and the environment of one report."""
    audits = lhr["audits"]
    if lhr.get("runtimeError"):
        sys.exit(f"Lighthouse failed on {lhr['requestedUrl']}: {lhr['runtimeError']}")
    scripts = [
        item
        for item in audits["network-requests"]["details"]["items"]
        if item.get("resourceType") == "Script"
    ]
    failed = [
        f"{audit_id}: {audits[audit_id]['title']}"
        for ref in lhr["categories"]["accessibility"]["auditRefs"]
        if ref["weight"] and audits[(audit_id := ref["id"])]["score"] not in (None, 1)
    ]
    return {
        "performance": round(lhr["categories"]["performance"]["score"] * 100),
        "accessibility": round(lhr["categories"]["accessibility"]["score"] * 100),
        "scripts": [(item["url"], item["transferSize"], item["resourceSize"]) for item in scripts],
        "js_transferred": sum(item["transferSize"] for item in scripts),
        "metrics": {
            key: audits[key]["displayValue"]
            for key in (
                "first-contentful-paint",
                "largest-contentful-paint",
                "total-blocking-time",
                "cumulative-layout-shift",
                "speed-index",
            )
        },
        "accessibility_failures": failed,
        "lighthouse": lhr["lighthouseVersion"],
        "browser": lhr["environment"]["hostUserAgent"],
        "benchmark_index": lhr["environment"].get("benchmarkIndex"),
    }


def render(results: list[tuple[str, str, dict]]) -> str:
    first = results[0][2]
    browser = re.search(r"(?:Headless)?Chrome/[\d.]+", first["browser"])
    loads = [load for _, _, r in results for load in r["loads"]]
    met = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    lines = [
        "# Lighthouse: the feed and today's session on a phone",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/lighthouse.py` on "
        f"{platform.node()} ({platform.system()} {platform.machine()}, {os.cpu_count()} cores): "
        f"Lighthouse {first['lighthouse']}, {browser.group(0) if browser else first['browser']}, "
        f"benchmark index {first['benchmark_index']}; one-minute load average "
        f"{min(loads):.1f}-{max(loads):.1f} at the start of the runs.",
        "",
        "Lighthouse's default phone profile (mobile emulation, simulated slow 4G, 4x CPU "
        "slowdown), signed in as the demo athlete (`flask seed-demo`), gunicorn serving the "
        f"built assets. Each page: the median of {len(first['all_performance'])} runs by "
        "performance score (every run's score in brackets). Simulated throttling scales the CPU "
        "time Chromium used, so a busy machine scores lower: see the load average.",
        "",
        f"Targets: performance >= {TARGETS['performance']}, accessibility >= "
        f"{TARGETS['accessibility']}, first-load JavaScript <= {JS_BUDGET // 1024} kB "
        "gzipped (the page's scripts as transferred: gzip, from Lighthouse's network requests).",
        "",
        "| page | performance | accessibility | first-load JS | FCP | LCP | TBT | CLS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    verdicts = []
    for name, path, r in results:
        m, shown = r["metrics"], re.sub(r"/\d+", "/<id>", path)
        runs = ", ".join(str(score) for score in r["all_performance"])
        lines.append(
            f"| {name} (`{shown}`) | {r['performance']} ({runs}) | {r['accessibility']} | "
            f"{r['js_transferred'] / 1024:.1f} kB | {m['first-contentful-paint']} | "
            f"{m['largest-contentful-paint']} | {m['total-blocking-time']} | "
            f"{m['cumulative-layout-shift']} |".replace("\xa0", " ")
        )
        verdicts.append(
            f"- {name}: performance {met(r['performance'] >= TARGETS['performance'])}, "
            f"accessibility {met(r['accessibility'] >= TARGETS['accessibility'])}, "
            f"JavaScript budget {met(r['js_transferred'] <= JS_BUDGET)}."
        )
    lines += ["", *verdicts, "", "Scripts each page loaded (bytes transferred / decoded):", ""]
    for name, _, r in results:
        for url, transferred, size in r["scripts"]:
            lines.append(f"- {name}: `{url.split('/')[-1]}` {transferred:,} / {size:,}")
        for failure in r["accessibility_failures"]:
            lines.append(f"- {name}: accessibility audit failed: {failure}")
    lines += [
        "",
        "The service worker's own scripts (Workbox) are fetched by the worker after the page has "
        "loaded and are not among the page's scripts above.",
        "",
        "Run it again with `.venv/bin/python bench/lighthouse.py` (10-15 minutes).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
