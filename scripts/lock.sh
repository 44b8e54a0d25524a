#!/usr/bin/env bash
# Re-resolve the lock files from pyproject.toml (run after changing dependencies; `make lock`).
# requirements/run.lock: what `make run` installs; requirements/dev.lock: run.lock + dev extras, same versions.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${PIPTOOLS_VENV:-.venv-piptools}
[ -x "$tools/bin/pip-compile" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install -q "pip-tools>=7.4"; }
opts=(-q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links --upgrade)
"$tools/bin/pip-compile" "${opts[@]}" -o requirements/run.lock pyproject.toml
"$tools/bin/pip-compile" "${opts[@]}" --extra dev -c requirements/run.lock -o requirements/dev.lock pyproject.toml
