#!/usr/bin/env bash
# Regenerate every reference output under fixtures/ from the pinned Python packages.
#   python3 -m venv .venv && .venv/bin/pip install -r tools/requirements.txt
#   PYTHON=.venv/bin/python tools/regen_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
for gen in tools/gen_*.py; do
    echo "== $gen"
    "$PYTHON" "$gen"
done
