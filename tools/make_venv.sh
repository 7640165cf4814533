#!/usr/bin/env bash
# Make the pinned Python environment (.venv-fixtures/, tools/requirements.txt) once: the fixture
# generators and the reference side of `cinegenre bench` run in it. Prints its interpreter, to
# pass as `cinegenre bench --python …`. Set PYTHON to build it from another interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-fixtures/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv-fixtures
    .venv-fixtures/bin/pip install --quiet -r tools/requirements.txt
fi
echo .venv-fixtures/bin/python
