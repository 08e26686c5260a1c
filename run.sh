#!/usr/bin/env bash
# One command for a newcomer: set everything up and start the portal on the embedded default
# (SQLite file, documents on local disk, demo accounts) at http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
export FLASK_APP=wsgi
.venv/bin/flask db upgrade
.venv/bin/flask seed-demo
if .venv/bin/flask --help 2>/dev/null | grep -q setup-signing; then
  .venv/bin/flask setup-signing
fi
if [ -f portal/tasks.py ] || [ -d portal/tasks ]; then
  # Background worker for batch signing (embedded Huey storage: no server needed).
  .venv/bin/python -m portal.worker &
  worker=$!
  trap 'kill $worker 2>/dev/null || true' EXIT
fi
echo "Portal berjalan di http://127.0.0.1:5000 — akun demo: lihat README (kata sandi demo12345)."
.venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
