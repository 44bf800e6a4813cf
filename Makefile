# Two commands for a newcomer: `make run` and `make test`. Everything installs into the repo.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export PYTHONUNBUFFERED := 1

.PHONY: run test install assets migrate seed lint format clean

run: install assets migrate seed ## install, migrate, seed demo data once, start web + worker + beat
	@$(FLASK) demo-banner
	@$(BIN)/honcho start -f Procfile

test: install assets ## install, then run the whole test suite
	$(BIN)/pytest

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "casework needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.installed
	@npm run --silent build

migrate: install
	@mkdir -p instance
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules casework/static/css casework/static/js casework/static/govuk casework/static/images
