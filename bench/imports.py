"""Benchmark: parse and import the largest real export in ../shared/realdata.

Prints the time to parse and to import (into a throwaway SQLite database), per 1,000 sets.
Run: .venv/bin/python bench/imports.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REALDATA = ROOT.parent / "shared" / "realdata"


def main() -> None:
    from app import create_app
    from app.domain import importing
    from app.extensions import db
    from app.services import accounts, history

    files = sorted(REALDATA.glob("*.csv"), key=lambda p: p.stat().st_size)
    if not files:
        sys.exit(f"no CSV exports in {REALDATA}")
    largest = next(p for p in reversed(files) if "broken" not in p.name)
    text = largest.read_text(encoding="utf-8")
    started = time.perf_counter()
    for _ in range(5):
        _, workouts = importing.read(text, "Europe/London")
    parse = (time.perf_counter() - started) / 5
    sets = sum(len(w.sets) for w in workouts)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "MEETDAY_ENV": "test",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.db",
                "REDIS_URL": None,
            }
        )
        with app.app_context():
            db.create_all()
            user = accounts.register("bench@example.com", "bench-password-1", "Bench")
            started = time.perf_counter()
            history.import_export(user, text)
            stored = time.perf_counter() - started
            db.engine.dispose()
    print(
        f"file: {largest.name} ({largest.stat().st_size / 1024:.0f} KiB), "
        f"{len(workouts)} workouts, {sets} sets"
    )
    print(f"parse:  {parse * 1000:.1f} ms  ({parse / sets * 1e6:.1f} ms per 1,000 sets)")
    print(f"import: {stored * 1000:.1f} ms  ({stored / sets * 1e6:.1f} ms per 1,000 sets, SQLite)")


if __name__ == "__main__":
    main()
