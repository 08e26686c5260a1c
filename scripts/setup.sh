#!/usr/bin/env bash
# Installs what the portal needs on a Debian machine: system packages, then a virtualenv with the
# project and its test extras. Safe to run again; it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # WeasyPrint (PDF generation)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  # pdfsig / pdftoppm / pdftotext: independent signature check and PDF previews
  poppler-utils
  # PKCS#11 token for signing tests (SoftHSM2) and its tool
  softhsm2 opensc
  # QR decoding in tests, browser tests
  zbar-tools chromium chromium-driver
  # load generator for bench/verify_load.py
  wrk
  # the production task queue and read model: tests start their own private redis-server
  redis-server
  # pg_dump / psql for `flask backup` and `flask restore`
  postgresql-client
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Memasang paket sistem: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  touch "$stamp"
fi
