#!/usr/bin/env bash
# One command for a newcomer: set everything up and start the portal on the embedded default
# (SQLite file, documents on local disk, demo accounts) at http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
export FLASK_APP=wsgi
# The embedded default is a development setup: the published dev SECRET_KEY and the demo
# accounts are refused anywhere PORTAL_ENV=development is not set.
export PORTAL_ENV="${PORTAL_ENV:-development}"
PORT="${PORT:-5000}"
# QR codes and e-mails point at the port the portal really listens on, unless an address is given.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:${PORT}}"
.venv/bin/flask db upgrade
.venv/bin/flask setup-signing
.venv/bin/flask seed-demo
# Background worker for batch signing (embedded Huey storage in instance/: no server needed).
.venv/bin/python -m portal.worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT
echo "Portal berjalan di http://127.0.0.1:${PORT} — akun demo: lihat README (kata sandi demo12345, PIN tanda tangan demo 123456)."
.venv/bin/flask run --host 127.0.0.1 --port "${PORT}"
