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

# The W3C Nu HTML checker the browser tests run on every page (npm's vnu-jar; Java from Debian).
VNU := node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test test-fast install lint format clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

$(VNU): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $(VNU); \
	else echo "npm is missing: the browser tests cannot check HTML with the Nu checker (apt-get install npm)"; fi

# The seed sends the demo's e-mails, so it needs SITE_URL too: their links lead to this PORT.
run: $(STAMP)
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py migrate --noinput
	DEBUG=1 SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Feedback Portal: http://127.0.0.1:$(PORT)/"
	@echo "  Dev mailbox:     http://127.0.0.1:$(PORT)/dev/mailbox/"
	@echo "  Demo logins (password demo-pass-2026):"
	@echo "    candidate@demo.test   recruiter@demo.test   colleague@demo.test   admin@demo.test"
	@echo ""
	DEBUG=1 PORT=$(PORT) SITE_URL=$(SITE_URL) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: $(STAMP) $(VNU)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS)

test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser and not slow"

# The recruiters' pages through HTTP (gunicorn, wrk) at 10,000 and 100,000 requests, and beat's
# sweeps, against budgets; writes benchmarks/results.json. Needs PostgreSQL and Redis as on a
# developer's machine (BENCH_DATABASE_URL, REDIS_URL); installs wrk (Debian) when it is missing.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(BIN)/python benchmarks/http_bench.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var .pytest_cache
