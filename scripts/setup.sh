# Shared by run.sh and test.sh: a virtualenv with the project, and the npm packages.
# Usage: source scripts/setup.sh [pip extras, e.g. "test"]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
extras="${1:-}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
npm ci --no-audit --no-fund --loglevel=error
export PATH="$ROOT/.venv/bin:$PATH"
export FLASK_APP=wsgi
flask build-assets >/dev/null
