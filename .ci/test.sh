#!/usr/bin/env bash
# The test command. README.md ("Quick start") and .ci/run both call exactly this file.
# Sets up on a fresh machine: uses the active virtual environment, else creates/uses .venv;
# installs the CPU build of torch if torch is missing (a plain `torch` requirement would pull
# the multi-GB CUDA wheels), then the package with its test extras; then lints, checks the
# formatting (ruff format) and tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${VIRTUAL_ENV:-}" ]]; then
    [[ -d .venv ]] || python3 -m venv .venv
    # shellcheck disable=SC1091
    source .venv/bin/activate
fi
python -c "import torch" 2>/dev/null || python -m pip install torch==2.13.0
python -m pip install -e ".[test]"
python -m ruff check .
python -m ruff format --check .
python -m pytest -q
