# fieldwork: two commands for a fresh machine.
#   make run   set everything up, migrate, load demo data once, start http://127.0.0.1:5000
#   make test  set everything up and run the whole test suite (SQLite, then PostgreSQL), on
#              every core (pytest-xdist; TEST_WORKERS=1 for one process)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# make run PORT=8080 (HOST=0.0.0.0 to serve the local network)
HOST ?= 127.0.0.1
PORT ?= 5000
BIN := $(VENV)/bin
INSTANCE ?= $(CURDIR)/instance
export FIELDWORK_INSTANCE ?= $(INSTANCE)
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --durations=15

# Debian packages the app needs at run time, and the extra ones the tests need.
RUN_PKGS := libzbar0 fonts-dejavu-core fonts-liberation2 poppler-utils
TEST_PKGS := $(RUN_PKGS) postgresql chromium redis-server pspp libreoffice-writer-nogui zbar-tools

.PHONY: run test wheel-smoke setup setup-test system-run system-test i18n i18n-compile lint clean

run: setup
	$(BIN)/fieldwork db upgrade
	@if [ ! -f "$(INSTANCE)/.demo-loaded" ]; then \
	  $(BIN)/fieldwork demo && touch "$(INSTANCE)/.demo-loaded"; \
	  echo ">>> Note the demo passwords above: they are shown only once."; fi
	@echo ">>> fieldwork on http://$(HOST):$(PORT) (Ctrl+C to stop)"
	$(BIN)/fieldwork run --host $(HOST) --port $(PORT)

# The wheel smoke test (scripts/wheel-smoke.sh: the wheel in a fresh venv runs db upgrade, demo,
# forms print, serve) runs beside the SQLite pass: it mostly waits on pip and the disk.
test: setup-test
	$(BIN)/ruff check .
	@mkdir -p test-artifacts; \
	bash scripts/wheel-smoke.sh >test-artifacts/wheel-smoke.log 2>&1 & smoke=$$!; \
	$(PYTEST); rc=$$?; \
	if wait $$smoke; then tail -n 1 test-artifacts/wheel-smoke.log; \
	else cat test-artifacts/wheel-smoke.log; echo ">>> wheel smoke test FAILED"; rc=1; fi; \
	exit $$rc
	$(PYTEST) --postgres

wheel-smoke:
	bash scripts/wheel-smoke.sh

setup: system-run $(VENV)/.installed i18n-compile

setup-test: system-test $(VENV)/.installed-test i18n-compile

system-run:
	@bash scripts/apt-ensure.sh $(RUN_PKGS)

system-test:
	@bash scripts/apt-ensure.sh $(TEST_PKGS)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

i18n-compile: $(VENV)/.installed
	@for d in fieldwork/translations fieldwork/*/translations; do \
	  [ -d "$$d" ] && $(BIN)/pybabel compile -d "$$d" 2>&1 | grep -v "^compiling"; done; true

# Developers: re-extract strings after changing user-facing text, then translate vi.
i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header \
	  -o fieldwork/translations/messages.pot .
	$(BIN)/pybabel update -N --no-location -i fieldwork/translations/messages.pot \
	  -d fieldwork/translations

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) *.egg-info build dist
