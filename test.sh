#!/usr/bin/env bash
# One command that runs all the tests (browser tests included): on SQLite, and again on PostgreSQL when TEST_DATABASE_URL
# is set (e.g. postgresql://postgres@127.0.0.1:5432/test). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
status=0
echo "== pytest on SQLite"
env -u TEST_DATABASE_URL .venv/bin/python -m pytest "$@" || status=$?
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== pytest on PostgreSQL ($TEST_DATABASE_URL)"
  .venv/bin/python -m pytest "$@" || status=$?
fi
exit $status
