"""Benchmark: feed pages on PostgreSQL (run on demand; prints figures and ratios).

- SQL statements for a page of 10 and of 50 posts (target: equal, at most 5)
- time of page 500 vs page 1 with N posts (target: at most 1.15x), keyset pagination
- the Following tab of an athlete who follows nobody, against Discover's page 1
- feed page throughput vs a bare route, same process and database (target ratio >= 0.30)
- transcode wall time vs the bare ffmpeg command with the same settings (target <= 1.10)

Run: BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \
     .venv/bin/python bench/feed.py [posts, default 1000000]
The database is emptied and filled; never point it at data you keep.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUTHORS = 1_000
sys.path.insert(0, str(ROOT))


def main(total: int) -> None:
    from sqlalchemy import event, insert, select, text

    from app import create_app
    from app.extensions import db
    from app.models import Post, User
    from app.services import accounts, feed

    url = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    app = create_app(
        {
            "MEETDAY_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": None,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "ASSETS_AUTO_BUILD": False,
        }
    )  # as in production
    with app.app_context():
        db.drop_all()
        db.create_all()
        author = accounts.register("bench@example.com", "bench-password-1", "Bench", "coach")
        # The posts come from 1,000 athletes, the signed-in coach one of them: a table of a
        # million posts by one person would give the planner statistics no real one has.
        db.session.execute(
            insert(User),
            [
                {"email": f"athlete{n}@bench.test", "display_name": f"Athlete {n}"}
                for n in range(1, AUTHORS)
            ],
        )
        db.session.commit()
        authors = [author.id, *db.session.scalars(select(User.id).where(User.id != author.id))]
        start = datetime(2025, 1, 1, tzinfo=UTC)
        batch = 20_000
        began = time.perf_counter()
        for offset in range(0, total, batch):
            rows = [
                {
                    "user_id": authors[n % AUTHORS],
                    "client_id": f"b-{n}",
                    "movement": "squat",
                    "visibility": "public",
                    "status": "ready",
                    "attempts": 0,
                    "like_count": 0,
                    "comment_count": 0,
                    "created_at": start + timedelta(seconds=n // 3),
                }
                for n in range(offset, min(offset + batch, total))
            ]
            db.session.execute(insert(Post), rows)
            db.session.commit()
        db.session.execute(text("ANALYZE posts, users"))
        db.session.commit()
        print(f"posts: {total:,} inserted in {time.perf_counter() - began:.1f} s")

        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        feed.page(author, "discover", None, limit=10)  # warm: the author row is loaded once
        for size in (10, 50):
            statements.clear()
            feed.page(author, "discover", None, limit=size)
            print(f"SQL statements for a page of {size}: {len(statements)}")

        def timed(cursor, runs=30):
            began = time.perf_counter()
            for _ in range(runs):
                feed.page(author, "discover", cursor, limit=10)
            return (time.perf_counter() - began) / runs

        cursor = None
        for _ in range(499):
            cursor = feed.page(author, "discover", cursor, limit=10).next_cursor
        first, deep = timed(None), timed(cursor)
        print(
            f"page 1: {first * 1000:.2f} ms  page 500: {deep * 1000:.2f} ms  "
            f"ratio {deep / first:.2f} (target <= 1.15)"
        )
        # The Following tab of an athlete who follows nobody yet (every new one): it must not
        # read the whole table to find that there is nothing to show.
        newcomer = accounts.register("new@example.com", "bench-password-1", "New", "athlete")
        db.session.commit()
        began = time.perf_counter()
        for _ in range(30):
            feed.page(newcomer, "following", None, limit=10)
        home = (time.perf_counter() - began) / 30
        print(
            f"home feed of an athlete following nobody: {home * 1000:.2f} ms "
            f"({home / first:.2f} x Discover's page 1)"
        )

    with app.app_context():
        db.engine.dispose()
    gunicorn_ratio(url)
    transcode_ratio()


ROUNDS = 5


def gunicorn_ratio(url: str, seconds: float = 3.0, clients: int = 8) -> None:
    """Requests per second for the feed page and for a bare route (/healthz) under gunicorn
    (2 sync workers, as WEB_CONCURRENCY would give on this 2-core machine), from ``clients``
    connections. The load comes from wrk when it is installed (C: it leaves the CPU to the
    server; Python threads as the client cap the bare route at about half its rate and so
    flatter the ratio), else from Python threads, which the output says."""
    import http.client
    import re
    import shutil
    import threading
    from urllib.parse import urlsplit

    import serving

    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    wrk = shutil.which("wrk")
    with serving.gunicorn(url, workers=workers) as base:
        port = urlsplit(base).port
        session = serving.sign_in(base, "bench@example.com", "bench-password-1")
        cookie = serving.cookie_header(session)

        def rate(path: str) -> float:
            if wrk:
                out = subprocess.run(
                    [
                        wrk,
                        "-t2",
                        f"-c{clients}",
                        f"-d{seconds:g}s",
                        "-H",
                        f"Cookie: {cookie}",
                        "-H",
                        f"User-Agent: {serving.USER_AGENT}",
                        base + path,
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            counts = [0] * clients
            stop = time.perf_counter() + seconds

            def worker(index: int) -> None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                while time.perf_counter() < stop:
                    connection.request(
                        "GET", path, headers={"Cookie": cookie, "User-Agent": serving.USER_AGENT}
                    )
                    connection.getresponse().read()
                    counts[index] += 1
                connection.close()

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return sum(counts) / seconds

        print(f"load generator: {'wrk' if wrk else f'{clients} Python threads (no wrk)'}")
        # Interleaved, each feed run against the mean of the bare runs either side of it, so
        # load from elsewhere on the machine moves both sides of a ratio alike.
        rate("/healthz")  # warm-up: connections, caches, the first page render
        rate("/feed?tab=discover")
        bares, pages = [rate("/healthz")], []
        for _ in range(ROUNDS):
            pages.append(rate("/feed?tab=discover"))
            bares.append(rate("/healthz"))
        ratios = sorted(page / ((bares[i] + bares[i + 1]) / 2) for i, page in enumerate(pages))
        print(
            f"gunicorn throughput ({ROUNDS} rounds): feed {statistics.median(pages):.0f}/s, "
            f"bare route {statistics.median(bares):.0f}/s, ratio median "
            f"{statistics.median(ratios):.2f} (rounds {' '.join(f'{r:.2f}' for r in ratios)}; "
            "target >= 0.30)"
        )


def transcode_ratio() -> None:
    from app.services import video

    clip = ROOT.parent / "shared" / "realdata" / "squat_portrait_608x1080_gym_audio.mp4"
    if not clip.exists():
        print("transcode: ../shared/realdata not here, skipped")
        return
    with tempfile.TemporaryDirectory() as work:
        info = video.probe(clip)
        began = time.perf_counter()
        video.transcode(clip, Path(work) / "ours.mp4", info)
        ours = time.perf_counter() - began
        began = time.perf_counter()
        subprocess.run(
            [
                video.ffmpeg_binary(),
                "-v",
                "error",
                "-y",
                "-i",
                str(clip),
                "-vf",
                "scale=608:1080,setsar=1",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "23",
                "-maxrate",
                "6M",
                "-bufsize",
                "12M",
                "-pix_fmt",
                "yuv420p",
                "-profile:v",
                "high",
                "-r",
                "30",
                "-fps_mode",
                "cfr",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                "-ac",
                "2",
                "-movflags",
                "+faststart",
                "-map_metadata",
                "-1",
                str(Path(work) / "bare.mp4"),
            ],
            check=True,
        )
        bare = time.perf_counter() - began
    print(
        f"transcode: ours {ours:.2f} s, bare ffmpeg {bare:.2f} s, ratio {ours / bare:.2f} "
        "(target <= 1.10)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
