# Orbit CRM: every set-up step lives here, so a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Shopify's Admin API schema (introspection JSON) ships inside this npm package (DESIGN 9).
SCHEMA_PACKAGE := @shopify/dev-mcp@1.16.0
SCHEMA_VERSION := 2026-10
SCHEMA := var/schema/admin_$(SCHEMA_VERSION).json.gz

.PHONY: setup run test test-python test-frontend test-browser chromium bench lint clean shopify-dev

setup: $(VENV)/.installed $(SCHEMA)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(SCHEMA):
	mkdir -p var/schema/tmp
	cd var/schema/tmp && npm pack --silent $(SCHEMA_PACKAGE) >/dev/null
	tar -xzf var/schema/tmp/*.tgz -C var/schema/tmp package/dist/data/admin_$(SCHEMA_VERSION).json.gz
	mv var/schema/tmp/package/dist/data/admin_$(SCHEMA_VERSION).json.gz $@
	rm -rf var/schema/tmp

# The admin UI (frontend/): installed from package-lock.json, rebuilt only when its sources change.
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.js

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build

run: setup frontend/dist/index.html
	$(BIN)/python -m app.devrun

# Started by `shopify app dev` (shopify.web.toml) against a real development store.
shopify-dev: setup
	$(BIN)/python -m app.shopifydev

test: test-python test-frontend test-browser

# pytest exits 5 when it collects nothing, so an empty run fails too.
test-python: setup
	$(BIN)/python -m pytest -p no:cacheprovider

test-frontend: frontend/node_modules/.installed
	cd frontend && npm test

# Playwright (Python) drives Debian's Chromium; its own browser download does not work here.
chromium:
	test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

test-browser: setup chromium frontend/dist/index.html
	ORBIT_BROWSER_TESTS=1 $(BIN)/python -m pytest -p no:cacheprovider tests/browser

# Benchmarks measure; they are not part of `make test` or CI.
# wrk drives the intake benchmark (a C load generator leaves the cores to the servers measured).
bench: setup
	command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	@for script in benchmarks/*.py; do [ -e "$$script" ] || continue; echo "== $$script"; $(BIN)/python "$$script" || exit 1; done

lint: setup
	$(BIN)/ruff check app webhooks jobs devstore tests benchmarks

clean:
	rm -rf $(VENV) var instance frontend/node_modules frontend/dist
