# Quick start: `make run` (set up + build the default index), `make test` (set up + all tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: run test test-fast test-latest lint lock bench clean system-deps

# Installs come from the lock files (requirements/*.lock, made by `make lock` from pyproject.toml), so a fresh
# machine gets the versions the suite was run on; `make test-latest` tries the newest releases instead.
$(VENV)/.installed: pyproject.toml requirements/run.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements/run.lock
	$(PIP) install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.lock
	$(PIP) install -q -r requirements/dev.lock
	$(PIP) install -q --no-deps -e .
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/innoscope run

system-deps:
	bash scripts/install-system-deps.sh

test: $(VENV)/.installed-dev system-deps
	$(PY) -m pytest -n 2 -p no:cacheprovider

# The inner loop: everything but the slow fuzz/end-to-end tests and the browser tests (under a minute).
test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest -n 2 -p no:cacheprovider -m "not slow and not browser"

# The suite on the newest releases of every dependency (a separate venv, not the lock): run it weekly and
# before `make lock`, so a breaking release (pandas 3, numpy 2) is seen the day it appears, not by a user.
test-latest: system-deps
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q --upgrade pip
	.venv-latest/bin/python -m pip install -q --upgrade --upgrade-strategy eager -e '.[dev]'
	.venv-latest/bin/python -m pip list --format=freeze > .venv-latest/versions.txt
	.venv-latest/bin/python -m pytest -n 2 -p no:cacheprovider

lock:
	bash scripts/lock.sh

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/lint-imports
	$(PY) scripts/ratchet.py

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/engine.py

clean:
	rm -rf $(VENV) .venv-latest .venv-piptools .pytest_cache build *.egg-info
