# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
UV := $(VENV)/bin/uv
UV_INSTALL := $(UV) pip install --quiet --system-certs --python $(PY)

export DATA_MIRROR ?= $(abspath ../shared/data)
export RAW_DATA_DIR ?= $(CURDIR)/data/raw
export WAREHOUSE_DIR ?= $(CURDIR)/warehouse
export DAGSTER_HOME ?= $(CURDIR)/dagster_home
export DAGSTER_DISABLE_TELEMETRY := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false

DBT_SOURCES := $(shell find dbt -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) -not -path 'dbt/target/*' 2>/dev/null)
MANIFEST := dbt/target/manifest.json


.PHONY: run test lint lock data install install-dev debian-packages redis-server worker materialize backfill manifest bench ui docs sql clean

run: install data materialize

install: $(VENV)/.installed

# uv installs the lock files (about 10 s for all of them, where pip took about 70 s); pip only
# brings uv itself, at the version the dev lock pins.
$(VENV)/.installed: pyproject.toml requirements.lock requirements-dev.lock
	@echo "== installing into $(VENV)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet $(shell grep '^uv==' requirements-dev.lock)
	@$(UV_INSTALL) -r requirements.lock
	@$(UV_INSTALL) --no-deps -e .
	@touch $@

install-dev: $(VENV)/.installed-dev

# The lock files, written by uv from pyproject.toml (the project's dependencies; with the `dev`
# group for the tests and linters), keeping every version already pinned unless UPGRADE=1.
lock: install-dev
	@$(UV) pip compile pyproject.toml --quiet --system-certs --python-version 3.11 $(if $(UPGRADE),--upgrade) -o requirements.lock
	@$(UV) pip compile pyproject.toml --quiet --system-certs --python-version 3.11 --group dev -c requirements.lock -o requirements-dev.lock

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	@$(UV_INSTALL) -r requirements-dev.lock
	@touch $@

data: install
	@echo "== data: $(DATA_MIRROR) -> $(RAW_DATA_DIR)"
	@$(PY) -m dagster_project.cli.data_sync

manifest: $(MANIFEST)

$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	@echo "== dbt parse"
	@eval "$$($(PY) -m dagster_project.settings)" && cd dbt && ../$(DBT) parse --quiet --profiles-dir . && touch target/manifest.json

# `make run PARALLEL=1`: steps in parallel processes (the multiprocess executor), as UI runs do.
materialize: install $(MANIFEST)
	@echo "== materializing every asset"
	@$(PY) -m dagster_project.cli.run $(if $(PARALLEL),--parallel)

# Re-run input-output years and everything downstream: `make backfill YEARS=2005,2006` (or 2005-2007).
backfill: install $(MANIFEST)
	@test -n "$(YEARS)" || { echo "usage: make backfill YEARS=2005,2006 (or YEARS=2005-2007)" >&2; exit 2; }
	@$(PY) -m dagster_project.cli.run --years $(YEARS)

# The linters, then three pytest workers, whole modules each (tests/conftest.py orders them); a line per test
# (which worker, which test: the end of a cut-short log says what was running), the 25 slowest listed.
# What the tests need is prepared two things at a time (the venv beside Debian's packages, then dbt's
# parse beside the linters): ~22 s instead of ~38 s one after another (measured, packages missing).
test:
	@$(MAKE) --no-print-directory -j 2 --output-sync=target install-dev debian-packages
	@$(MAKE) --no-print-directory -j 2 --output-sync=target $(MANIFEST) lint
	@$(PY) -m pytest -n 3 --dist loadfile --no-loadscope-reorder --durations=25 -v

# ruff on the Python (pyproject.toml [tool.ruff]), sqlfluff on the dbt models (.sqlfluff), on every core
# (its process pool leaves a semaphore that Python's resource tracker warns about at exit: silenced).
lint: install-dev
	@echo "== ruff, sqlfluff"
	@$(VENV)/bin/ruff check --quiet dagster_project tests bench
	@PYTHONWARNINGS=ignore::UserWarning:multiprocessing.resource_tracker \
		$(VENV)/bin/sqlfluff lint dbt/models --processes 0 --quiet --disable-progress-bar

# Debian's packages, each installed when its command is missing, in one apt transaction: the browser
# tests drive Debian's chromium (browser downloads, `playwright install`, fail offline); the scale-out
# tests start their own Redis (the Celery broker).
DEBIAN_PACKAGES := chromium redis-server

debian-packages:
	@missing="$$(for p in $(DEBIAN_PACKAGES); do command -v $$p >/dev/null || echo $$p; done)"; \
	test -z "$$missing" || { echo "== installing Debian's" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }

redis-server:
	@$(MAKE) --no-print-directory debian-packages DEBIAN_PACKAGES=redis-server

# A Celery worker of the scale-out profile (README: Running on several machines): takes steps of runs
# from CELERY_BROKER_URL. WORKER_NAME (default: this host's name) and WORKER_PROCESSES (default: the cores).
worker: install $(MANIFEST)
	@$(VENV)/bin/celery -A dagster_project.instance.worker worker --queues dagster --loglevel INFO \
		--hostname $(or $(WORKER_NAME),worker)@%h $(if $(WORKER_PROCESSES),--concurrency $(WORKER_PROCESSES))

bench: install-dev data redis-server $(MANIFEST)
	@$(PY) -m pip install --quiet -r bench/requirements.txt
	@$(PY) -m bench.run

ui: install $(MANIFEST)
	@$(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000

# The dbt documentation site (needs a materialized warehouse for the catalog): dbt/target/docs/static_index.html.
# Its own target folder: the code location reads dbt/target/manifest.json, which a docs build would rewrite.
docs: install $(MANIFEST)
	@eval "$$($(PY) -m dagster_project.settings)" && cd dbt && ../$(DBT) docs generate --static --quiet --profiles-dir . --target-path target/docs
	@echo "dbt docs: dbt/target/docs/static_index.html (one self-contained file)"

# A DuckDB shell on the analysts' published state (read-only: it never blocks the pipeline).
sql: install
	@$(PY) -m dagster_project.cli.sql_shell

clean:
	rm -rf dbt/target dbt/logs $(WAREHOUSE_DIR)/lake $(WAREHOUSE_DIR)/staging
