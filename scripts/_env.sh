# Shared by scripts/run and scripts/test: create .venv and install the locked
# requirements once; reinstall only when a lock file or pyproject.toml changes.
set -euo pipefail

vinculo_setup() {
    local lock="$1"  # requirements/runtime.txt or requirements/dev.txt
    local python="${PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "error: Vínculo needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
        exit 2
    fi
    local stamp=".venv/.vinculo-installed"
    local want
    want="$(cat "$lock" pyproject.toml | sha256sum | cut -c1-16) $lock"
    if [ ! -x .venv/bin/python ]; then
        echo "Setting up .venv with $("$python" --version) ..." >&2
        "$python" -m venv .venv
    fi
    if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp"; then
        echo "Installing $lock into .venv ..." >&2
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
        echo "$want" > "$stamp"
    fi
}
