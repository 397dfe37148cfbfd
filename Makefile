# Two commands: `make run` (a working portal with demo data) and `make test` (the whole suite).
# `make test-fast` is the inner loop: the same checks, then the suite without browser tests or processes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
# The suite runs with DEBUG off, like production; it needs a key, not a secret one.
TEST_ENV := SECRET_KEY=tests-only-not-a-secret DJANGO_SETTINGS_MODULE=feedback_portal.settings
# Test processes side by side (pytest-xdist): one per core; each has its own database.
TEST_WORKERS ?= auto

.PHONY: run test test-fast install lint format clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Feedback Portal: http://127.0.0.1:$(PORT)/"
	@echo "  Dev mailbox:     http://127.0.0.1:$(PORT)/dev/mailbox/"
	@echo "  Demo logins (password demo-pass-2026):"
	@echo "    candidate@demo.test   recruiter@demo.test   admin@demo.test"
	@echo ""
	DEBUG=1 PORT=$(PORT) SITE_URL=$(SITE_URL) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS)

test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var .pytest_cache
