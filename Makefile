# Aduan: the two set-up commands are `make run` and `make test`; `make bench` measures.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SHARED_DATA ?= ../shared/data
VENDOR := src/aduan/web/static/vendor
export DJANGO_SETTINGS_MODULE := aduan.settings

.PHONY: run test install install-test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The stamp files re-run the install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml package.json package-lock.json | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@# htmx and Leaflet come from npm (pinned in package-lock.json) and are served from a folder git ignores.
	npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	@# The browser tests drive Debian's Chromium with Playwright; no browser is ever downloaded.
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq chromium >/dev/null; } \
		|| echo "NOTE: chromium is not installed (needs root: apt-get install chromium); browser tests will skip"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/aduan migrate --noinput
	$(BIN)/aduan setup --data $(SHARED_DATA) --demo
	$(BIN)/aduan collectstatic --noinput --verbosity 0
	@# The worker (inbox retries, outbox delivery, channel polls) runs beside the web server and stops with it.
	$(BIN)/aduan worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/uvicorn aduan.asgi:application --host 127.0.0.1 --port $(PORT)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest
	@if [ -n "$$ADUAN_TEST_POSTGRES" ]; then \
		echo "== the same suite on PostgreSQL ($$ADUAN_TEST_POSTGRES)"; \
		ADUAN_DATABASE_URL="$$ADUAN_TEST_POSTGRES" $(BIN)/pytest; \
	else \
		echo "SKIPPED: PostgreSQL run (set ADUAN_TEST_POSTGRES=postgresql://postgres@127.0.0.1:5432/test to run the suite on PostgreSQL too)"; \
	fi

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info node_modules $(VENDOR)
