#!/usr/bin/env bash
# Install everything the tests need, then run the whole suite (lint, types, tests).
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# System packages: a PostgreSQL server (the tests start their own on a free port), its
# client tools pg_dump and pg_restore (the backup tests use them), and a browser.
missing=()
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if ! command -v pg_dump >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1; then
  missing+=(postgresql-client)
fi
# Debian's chromium and a font with Vietnamese letters for the browser tests; Playwright
# (a Python package) only drives it and never downloads a browser of its own.
if [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium fonts-dejavu-core)
fi
# Reports: WeasyPrint draws PDFs with Pango and HarfBuzz; Liberation Serif 2 is Times New
# Roman's metric twin with every Vietnamese letter (fonts-liberation 1.x lacks ạ, ộ, ủ…);
# poppler's pdftotext and pdftoppm read the PDFs back in the tests.
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 \
           poppler-utils; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The project's own virtual environment, installed from the lock file: a fresh clone gets
# exactly the versions that passed, and a changed lock rebuilds the environment from
# scratch, so nothing installed by hand or left over from an older lock can hide.
venv=${FANSIPAN_VENV:-.venv}
lock=requirements/test.lock
stamp="$venv/.fansipan-lock"
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Creating $venv from $lock"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    -r "$lock"
  echo "$want" > "$stamp"
fi
py="$venv/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check --no-deps -e .

# The single sign-on tests start a real OpenID provider (Node's oidc-provider), installed
# exactly as its committed package-lock.json says.
oidc=tests/support/oidc_provider
if [ ! -d "$oidc/node_modules" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "Installing system packages: nodejs npm"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  (cd "$oidc" && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== ruff"
"$py" -m ruff check src tests bench scripts
echo "== mypy --strict"
"$py" -m mypy src
echo "== pytest"
set +e
"$py" -m pytest "$@"
status=$?
set -e
# pytest exits 5 when it collected no tests: that is a broken suite, not a pass.
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
