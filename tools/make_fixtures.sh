#!/usr/bin/env bash
# Regenerate every reference output under fixtures/ from the pinned Python packages.
# Creates (once) a virtual environment in .venv-fixtures/ with tools/requirements.txt, then
# runs every tools/gen_*.py from the crate root. Set PYTHON to use an existing interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
    PYTHON=$(tools/make_venv.sh)
fi
for gen in tools/gen_*.py; do
    echo "== $gen"
    "$PYTHON" "$gen"
done
