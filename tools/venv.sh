# Sourced by tools/start.sh and tools/test.sh: the project's virtual environment, .venv.
#
# Debian's own Python refuses `pip install` outside a virtual environment (PEP 668,
# "externally-managed-environment"), so the atlas lives in .venv in the project folder, made
# with python3 (or $PYTHON: `PYTHON=/usr/bin/python3 bash tools/start.sh`). Debian ships the
# venv module separately: python3-venv is installed with apt when it is missing.
# After this, "$VENV_PY" is the environment's Python and .venv/bin holds `atlas`.

VENV_DIR="${ATLAS_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

apt_install() {  # apt_install PACKAGE...: as root, with sudo, or say what to install
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "$0: please install $* (Debian packages), then run this again" >&2
    return 1
  fi
}

ensure_venv() {
  if [ -x "$VENV_DIR/bin/python" ] && "$VENV_DIR/bin/python" -c 'import sys' 2>/dev/null; then
    echo "$0: using the virtual environment $VENV_DIR ($("$VENV_DIR/bin/python" --version))" >&2
  else
    rm -rf "$VENV_DIR"
    # Debian's python3 has a venv module but no ensurepip until python3-venv is installed
    if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
      echo "$0: $PYTHON cannot make virtual environments; installing python3-venv" >&2
      apt_install python3-venv
    fi
    echo "$0: creating the virtual environment $VENV_DIR with $("$PYTHON" --version 2>&1) ($(command -v "$PYTHON"))" >&2
    "$PYTHON" -m venv "$VENV_DIR"
  fi
  VENV_DIR="$(cd "$VENV_DIR" && pwd)"
  VENV_PY="$VENV_DIR/bin/python"
  export PATH="$VENV_DIR/bin:$PATH"  # `atlas` for the rest of the script
}
