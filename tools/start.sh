#!/usr/bin/env bash
# Install the atlas into the project's virtual environment (.venv, made if missing) and start
# the dashboard on the bundled corpus (built first if needed). Later, `.venv/bin/atlas ...`
# (or `. .venv/bin/activate`, then `atlas ...`) runs the command line.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/venv.sh
ensure_venv
"$VENV_PY" -m pip install -q --disable-pip-version-check -e .
exec atlas serve "$@"
