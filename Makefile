# ParkOS — two commands set everything up: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
SCALE ?= small
# pyenv's shim honours .python-version (3.12); elsewhere a python3.12 on PATH is used.
BOOTSTRAP_PY := $(shell command -v python3.12 2>/dev/null || command -v python3)

.PHONY: demo dev serve test test-unit test-e2e test-e2e-stack lint typecheck check bench messages clean-demo

$(VENV)/.installed: pyproject.toml
	@$(BOOTSTRAP_PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "ParkOS needs Python >= 3.12 (install it, or use pyenv: .python-version selects 3.12)")'
	@test -x $(PY) || $(BOOTSTRAP_PY) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# The demo through the production stack (granian, task worker, scheduler; DEBUG off) on SQLite.
demo: $(VENV)/.installed
	@scripts/ensure-system-packages --optional
	ADDR=$(ADDR) SCALE=$(SCALE) scripts/serve --demo

# ParkOS as in production (docs/deployment.md): DATABASE_URL, REDIS_URL… from the environment.
serve: $(VENV)/.installed
	ADDR=$(ADDR) scripts/serve

# Django's development server (DEBUG on, reloads on change); the demo data as `make demo` loads it.
dev: $(VENV)/.installed
	@scripts/ensure-system-packages --optional
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py demo $(if $(filter full,$(SCALE)),--scale full,)
	@echo "ParkOS (development server): http://$(ADDR)/  (Ctrl-C to stop)"
	DEBUG=true $(PY) manage.py runserver $(ADDR)

# One run for both: the test databases are migrated once per worker, not again for the journeys.
test: $(VENV)/.installed
	@scripts/ensure-system-packages
	$(PY) -m pytest -n auto -q --durations=20 -m "e2e or not e2e"

test-unit: $(VENV)/.installed
	@scripts/ensure-system-packages
	$(PY) -m pytest -n auto -q --durations=20

test-e2e: $(VENV)/.installed
	@scripts/ensure-system-packages
	$(PY) -m pytest -m e2e -q tests/e2e

# The browser journeys against the production stack (granian with DEBUG off, hashed static files, the
# CSP, a task worker), on the PostgreSQL of DATABASE_URL: all of them before a release. `make test` on
# PostgreSQL runs the few marked `stack` against it (tests/e2e/conftest.py).
STACK_JOURNEYS ?= tests/e2e
test-e2e-stack: $(VENV)/.installed
	@scripts/ensure-system-packages
	PARKOS_E2E_STACK=1 $(PY) -m pytest -m e2e -q -p no:randomly --durations=5 $(STACK_JOURNEYS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(VENV)/.installed
	DEBUG=true $(VENV)/bin/mypy parkos bench

# manage.py refuses to run with DEBUG off and no SECRET_KEY (docs/configuration.md): development
# commands run with DEBUG=true, which allows the fixed development key.
check: lint typecheck
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.installed
	$(PY) -m bench --scale $(SCALE)

messages: $(VENV)/.installed
	DEBUG=true $(PY) manage.py makemessages -l en --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*'
	DEBUG=true $(PY) manage.py compilemessages -l en --ignore '.venv/*'

clean-demo:
	rm -rf var/
