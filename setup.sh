#!/usr/bin/env bash
# Create .venv/ at the repo root and install citebot into it. `--dev` adds the test tools.
# Works offline apart from the package registries; installs torch==2.13.0 first (CPU build).
set -euo pipefail
cd "$(dirname "$0")"
extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".${extras}"
echo "citebot is installed in .venv/ (run .venv/bin/citebot --help)." >&2
