#!/usr/bin/env bash
# Install the atlas and start the dashboard on the bundled corpus (built first if needed).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -e .
exec atlas serve "$@"
