# My Review: `make run` to try it, `make test` to check it. `make help` lists everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app participation
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run serve db demo test test-fast lint format typecheck translations \
	translations-compile bench load soak clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-22s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { echo; \
		echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; \
		exit 1; }

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@scripts/check-system-deps.sh || true
	@touch $(STAMP)

install: $(STAMP) translations-compile ## Create .venv and install the app with its test tools

db: install ## Create or upgrade the database (SQLite in instance/ unless DATABASE_URL is set)
	$(FLASK) db upgrade

demo: db ## Load the fictional demo council (safe to run twice)
	$(FLASK) demo

run: demo ## Install, migrate, load demo data and serve on http://127.0.0.1:5000
	@echo
	@echo "My Review is running on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	@# The video worker runs beside the web app and stops with it.
	@trap 'kill 0' EXIT INT TERM; $(FLASK) worker & $(FLASK) run --host $(HOST) --port $(PORT)

serve: install ## Serve with gunicorn as in production (needs SECRET_KEY and APP_ENV=production)
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) 'participation:create_app()'

lint: install ## ruff (check and format) and mypy
	$(BIN)/ruff check participation tests benchmarks migrations
	$(BIN)/ruff format --check participation tests benchmarks migrations
	$(BIN)/mypy

format: install ## Format the code with ruff
	$(BIN)/ruff check --fix participation tests benchmarks migrations
	$(BIN)/ruff format participation tests benchmarks migrations

test: lint ## Lint, then the whole suite (browser tests included)
	$(BIN)/pytest

test-fast: install ## The suite without browser tests
	$(BIN)/pytest -m "not browser"

translations: install ## Extract strings, update every catalog, compile
	$(FLASK) translate update
	$(FLASK) translate compile

# Each catalog is compiled when its .po is newer than its .mo, so two runs of `make test` side by
# side (.ci/run) never rewrite a catalog the other is reading.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

translations-compile: $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(STAMP)
	@$(BIN)/pybabel compile -d translations -l $* >/dev/null

bench: install ## Run the benchmarks and print one table of measured figures
	$(BIN)/python -m benchmarks

load: install ## 100 simulated tablets and staff for 60 s (gunicorn, PostgreSQL, Redis)
	$(BIN)/python -m benchmarks.load_run

soak: install ## The same load for 10 minutes, watching each worker's memory
	$(BIN)/python -m benchmarks.load_run --soak 600

clean: ## Remove the virtual environment and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
