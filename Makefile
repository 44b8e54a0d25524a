# Quick start: `make run` (set up + build the default index), `make test` (set up + all tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: run test lint bench clean system-deps

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -q -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/innoscope run

system-deps:
	bash scripts/install-system-deps.sh

test: $(VENV)/.installed-dev system-deps
	$(PY) -m pytest -n 2 -p no:cacheprovider

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/engine.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
