#!/usr/bin/env bash
# Install the test dependencies and run the whole suite. Extra arguments go to pytest.
# With TEST_DATABASE_URL / TEST_REDIS_URL set (CI does) the suite uses real PostgreSQL and
# Redis; without them it runs on SQLite and in-process jobs. E2E tests need /usr/bin/chromium.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" test
# The plate calculator's JavaScript against the shared vectors (the Python side is in pytest).
node --test tests/js/
exec python -m pytest "$@"
