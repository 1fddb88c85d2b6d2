#!/usr/bin/env bash
# Install everything and start Meetday with demo data on the embedded defaults
# (SQLite under instance/, jobs in-process). Set DATABASE_URL / REDIS_URL to use servers.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
flask db upgrade
echo
echo "Demo logins:"
flask seed-demo
PORT="${PORT:-5000}"
echo
echo "Meetday is running at http://127.0.0.1:${PORT}  (Ctrl+C to stop)"
exec flask run --host 127.0.0.1 --port "$PORT"
