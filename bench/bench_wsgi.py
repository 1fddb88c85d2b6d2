"""The app as the benchmarks serve it under gunicorn (production-like: no asset rebuilds).
BENCH_DATABASE_URL picks the database; BENCH_CSRF=1 keeps the CSRF check on."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402

app = create_app(
    {
        "MEETDAY_ENV": "test",
        "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
        "REDIS_URL": None,
        "WTF_CSRF_ENABLED": os.environ.get("BENCH_CSRF") == "1",
        "RATELIMIT_ENABLED": False,
        "ASSETS_AUTO_BUILD": False,
    }
)
