#!/usr/bin/env bash
# Install everything the tests need (GDAL's ogrinfo, Chromium, PostgreSQL 15 with PostGIS,
# the Python packages in the project's virtual environment .venv) and run the whole suite.
# Used by the README's test command and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/venv.sh

need_apt=()
command -v ogrinfo >/dev/null 2>&1 || need_apt+=(gdal-bin)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# PostgreSQL 15 + PostGIS for tests/test_publish_postgis.py (the tests start their own server)
if ! ls /usr/lib/postgresql/15/bin/initdb /usr/share/postgresql/15/extension/postgis.control \
  >/dev/null 2>&1; then
  need_apt+=(postgresql-15-postgis-3)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  apt_install "${need_apt[@]}" || true
fi

ensure_venv
"$VENV_PY" -m pip install -q --disable-pip-version-check -e ".[test]"
"$VENV_PY" -m pytest "$@"
