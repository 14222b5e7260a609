# Colophon: `make run` serves the demo blog, `make test` runs the whole suite.
# Both set themselves up on a fresh machine (virtualenv, locked dependencies).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# xstatic-bootstrap ships as an sdist whose build needs setuptools' pkg_resources.
PIP_INSTALL := PIP_CONSTRAINT=$(CURDIR)/requirements-build.txt $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint format lock bench browser-deps worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

## run: the blog with demo content on SQLite at http://$(HOST):$(PORT)
run: $(VENV)/.installed-runtime
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py load_demo --if-empty
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py ensure_demo_superuser
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-1}; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: lint, migrations check and the whole pytest suite (SQLite, or DATABASE_URL)
test: $(VENV)/.installed-dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/bandit -q -c pyproject.toml -r config blog comments accounts likes -ll
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## browser-deps: Debian's Chromium for the Playwright tests (installed when root)
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install -y chromium' for the browser tests" >&2; exit 1; \
	  fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: regenerate the pinned requirement files from pyproject.toml
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.11 -o requirements.txt
	$(BIN)/uv pip compile --quiet pyproject.toml --python-version 3.11 --extra dev -o requirements-dev.txt

worker: $(VENV)/.installed-runtime
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py db_worker

clean:
	rm -rf $(VENV) staticfiles var/screenshots

## bench: seed PostgreSQL, serve with gunicorn, measure with wrk (issue 9); results in docs/performance.md
bench: $(VENV)/.installed-runtime
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)) >/dev/null; \
	  else \
	    echo "wrk is missing: run 'sudo apt-get install -y wrk'" >&2; exit 1; \
	  fi; \
	fi
	timeout 600 $(BIN)/python -m bench.run_bench $(BENCH_ARGS)

## bench-import: generate a 10,000-post, 100,000-comment WordPress export and time its import (SQLite, or DATABASE_URL); figures in docs/performance.md
.PHONY: bench-import
bench-import: $(VENV)/.installed-dev
	$(BIN)/python bench/import_bench.py $(BENCH_IMPORT_ARGS)
