# GovHub: `make run` serves the demo, `make test` runs every check. Needs only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test checks suites install lint typecheck test-embedded test-services bench migrations \
	clean api-types api-types-check

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing GovHub with its development tools"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install console resident
	@mkdir -p var
	$(BIN)/govhub migrate
	$(BIN)/govhub seed
	$(BIN)/govhub serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The suite runs twice: on PostgreSQL + Redis, then on the embedded default (SQLite, no Redis),
# each on two pytest-xdist workers. `make test` runs two jobs at a time, so the checks and the
# client tests share the cores with the suites; the two suites run one after the other. Each
# job's output is printed whole when it ends.
test:
	@$(MAKE) --no-print-directory -j2 --output-sync=target checks

checks: suites lint typecheck api-types-check console-test resident-test

suites: install console resident
	@$(MAKE) --no-print-directory test-services
	@$(MAKE) --no-print-directory test-embedded

test-services: install
	@echo "==> tests on PostgreSQL + Redis"
	GOVHUB_TEST_BACKEND=services $(BIN)/python -m pytest -q -n 2

test-embedded: install
	@echo "==> tests on the embedded default (SQLite, no Redis)"
	GOVHUB_TEST_BACKEND=embedded $(BIN)/python -m pytest -q -n 2

# Every performance target, each measured against its baseline in the same run. Pass
# BENCH_ARGS='--postgres postgres://… --redis redis://…' to measure on the production backends
# (the queue then also with 2 workers).
bench: install
	$(BIN)/python -m bench.gateway $(BENCH_ARGS)
	$(BIN)/python -m bench.queue $(BENCH_ARGS)
	$(if $(findstring --redis,$(BENCH_ARGS)),$(BIN)/python -m bench.queue $(BENCH_ARGS) --workers 2)
	$(BIN)/python -m bench.streams $(BENCH_ARGS)
	$(BIN)/python -m bench.search $(BENCH_ARGS)
	$(BIN)/python -m bench.payments $(BENCH_ARGS)
	$(BIN)/python -m bench.payment_jobs
	$(BIN)/python -m bench.applications $(BENCH_ARGS)

# Modules both clients build in as their own (clients/shared: plain TypeScript, no packages).
CLIENTS_SHARED := clients/shared

# The staff console (clients/console, Vue 3 + Vite), served at /console/. npm ci runs again only
# when the lock file changes (its hash names the stamp); the build only when a source changed.
CONSOLE       := clients/console
CONSOLE_LOCK  := $(shell sha256sum $(CONSOLE)/package-lock.json 2>/dev/null | cut -c1-16)
CONSOLE_DEPS  := $(CONSOLE)/node_modules/.ci-$(CONSOLE_LOCK)
CONSOLE_BUILT := $(CONSOLE)/dist/index.html
CONSOLE_SRC   := $(shell find $(CONSOLE)/src $(CLIENTS_SHARED) -type f 2>/dev/null) $(CONSOLE)/index.html \
                 $(CONSOLE)/vite.config.ts $(CONSOLE)/tsconfig.json

.PHONY: console console-test

$(CONSOLE_DEPS): $(CONSOLE)/package-lock.json
	@echo "==> installing the console's packages (npm ci)"
	cd $(CONSOLE) && npm ci --no-audit --no-fund --loglevel=error
	@touch $(CONSOLE_DEPS)

$(CONSOLE_BUILT): $(CONSOLE_DEPS) $(CONSOLE_SRC)
	@echo "==> building the console"
	cd $(CONSOLE) && npm run build --silent

console: $(CONSOLE_BUILT)

console-test: $(CONSOLE_DEPS)
	cd $(CONSOLE) && npx vitest run

# The resident client (clients/resident, Taro 4 + React): one codebase built three ways. The H5
# (served at /h5/) is built by `make run`; the two mini-programs by `make client-weapp` and
# `make client-alipay` into clients/resident/dist/{weapp,alipay}, for the platforms' own
# developer tools to upload (docs/resident-client.md).
RESIDENT       := clients/resident
RESIDENT_LOCK  := $(shell sha256sum $(RESIDENT)/package-lock.json 2>/dev/null | cut -c1-16)
RESIDENT_DEPS  := $(RESIDENT)/node_modules/.ci-$(RESIDENT_LOCK)
RESIDENT_BUILT := $(RESIDENT)/dist/h5/index.html
RESIDENT_SRC   := $(shell find $(RESIDENT)/src $(RESIDENT)/config $(CLIENTS_SHARED) -type f 2>/dev/null) \
                  $(RESIDENT)/babel.config.js $(RESIDENT)/tsconfig.json

.PHONY: resident resident-test client-weapp client-alipay

$(RESIDENT_DEPS): $(RESIDENT)/package-lock.json
	@echo "==> installing the resident client's packages (npm ci)"
	rm -f $(RESIDENT)/node_modules/.ci-*
	cd $(RESIDENT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $(RESIDENT_DEPS)

$(RESIDENT_BUILT): $(RESIDENT_DEPS) $(RESIDENT_SRC)
	@echo "==> building the resident H5"
	cd $(RESIDENT) && npm run --silent build:h5 > /dev/null

resident: $(RESIDENT_BUILT)

client-weapp: $(RESIDENT_DEPS)
	@echo "==> building the WeChat mini-program into $(RESIDENT)/dist/weapp"
	cd $(RESIDENT) && npm run --silent build:weapp > /dev/null

client-alipay: $(RESIDENT_DEPS)
	@echo "==> building the Alipay mini-program into $(RESIDENT)/dist/alipay"
	cd $(RESIDENT) && npm run --silent build:alipay > /dev/null

# Unit tests, the type check, and both mini-program builds (they must compile).
resident-test: $(RESIDENT_DEPS) client-weapp client-alipay
	cd $(RESIDENT) && npx tsc --noEmit -p . && npx vitest run

# Developers: write migrations for model changes (on the embedded database).
migrations: install
	@mkdir -p var
	GOVHUB_DATABASE_URL=sqlite://var/makemigrations.sqlite3 $(BIN)/govhub migrate
	GOVHUB_DATABASE_URL=sqlite://var/makemigrations.sqlite3 $(BIN)/govhub makemigrations

# TypeScript types of the API (clients/api-types/src/govhub.d.ts), generated from the OpenAPI
# document the app prints. `npm ci` runs again only when the lock file changes.
API_TYPES       := clients/api-types
API_TYPES_STAMP := $(API_TYPES)/node_modules/.ci-$(shell sha256sum $(API_TYPES)/package-lock.json | cut -c1-16)
OPENAPI_TS      := $(API_TYPES)/node_modules/.bin/openapi-typescript

$(API_TYPES_STAMP): $(API_TYPES)/package-lock.json
	rm -f $(API_TYPES)/node_modules/.ci-*
	cd $(API_TYPES) && npm ci --no-audit --no-fund
	@touch $@

api-types: install $(API_TYPES_STAMP)
	$(BIN)/python -m gateway.openapi > $(API_TYPES)/openapi.json
	$(OPENAPI_TS) $(API_TYPES)/openapi.json --output $(API_TYPES)/src/govhub.d.ts

# Fails when the committed types are not those of the server as it is.
api-types-check: install $(API_TYPES_STAMP)
	@mkdir -p var
	$(BIN)/python -m gateway.openapi > var/openapi.json
	$(OPENAPI_TS) var/openapi.json --output var/govhub.d.ts
	@diff -u $(API_TYPES)/src/govhub.d.ts var/govhub.d.ts \
		|| (echo "clients/api-types/src/govhub.d.ts is out of date: run make api-types" && exit 1)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
