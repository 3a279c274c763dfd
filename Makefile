# GovHub: `make run` serves the demo, `make test` runs every check. Needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint typecheck test-embedded test-services bench migrations clean

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing GovHub with its development tools"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	$(BIN)/govhub migrate
	$(BIN)/govhub seed
	$(BIN)/govhub serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The suite runs twice: on PostgreSQL + Redis, then on the embedded default (SQLite, no Redis).
test: lint typecheck test-services test-embedded

test-services: install
	@echo "==> tests on PostgreSQL + Redis"
	GOVHUB_TEST_BACKEND=services $(BIN)/python -m pytest -q

test-embedded: install
	@echo "==> tests on the embedded default (SQLite, no Redis)"
	GOVHUB_TEST_BACKEND=embedded $(BIN)/python -m pytest -q

# Every performance target, each measured against its baseline in the same run. Pass
# BENCH_ARGS='--postgres postgres://… --redis redis://…' to measure on the production backends.
bench: install
	$(BIN)/python -m bench.gateway $(BENCH_ARGS)
	$(BIN)/python -m bench.queue $(BENCH_ARGS)
	$(BIN)/python -m bench.payments $(BENCH_ARGS)

# Developers: write migrations for model changes (on the embedded database).
migrations: install
	@mkdir -p var
	GOVHUB_DATABASE_URL=sqlite://var/makemigrations.sqlite3 $(BIN)/govhub migrate
	GOVHUB_DATABASE_URL=sqlite://var/makemigrations.sqlite3 $(BIN)/govhub makemigrations

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
