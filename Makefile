# Workplan — developer entry points. Works with plain python3 -m venv + pip;
# `uv` is only needed for `make lock`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ARGS   ?=

BASE_STAMP := $(VENV)/.stamp-base
TEST_STAMP := $(VENV)/.stamp-test

.PHONY: venv install install-test run test bench lint lock clean

venv: $(BASE_STAMP)
install: $(BASE_STAMP)
install-test: $(TEST_STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 required, got " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the lock (or the project metadata) changed.
$(BASE_STAMP): requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --require-hashes -r requirements/base.lock
	$(BIN)/pip install --no-deps -e .
	@rm -f $(TEST_STAMP)
	@touch $@

VALIDATORS := tools/validators
NPM_STAMP  := $(VALIDATORS)/node_modules/.stamp

$(TEST_STAMP): $(BASE_STAMP) requirements/test.lock $(NPM_STAMP)
	$(BIN)/pip install --require-hashes -r requirements/test.lock
	@touch $@

# The standards' validators from npm (Nu HTML Checker, axe-core, Redocly CLI, ical.js), exactly
# as package-lock.json pins them; no install scripts (vnu-jar's would fetch a Java runtime:
# the system's is used). Needs only the npm registry. Without npm (a laptop without Node.js)
# the validators' tests skip with a message; under CI=true a skip is a failure.
$(NPM_STAMP): $(VALIDATORS)/package.json $(VALIDATORS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(VALIDATORS) && npm ci --ignore-scripts --no-audit --no-fund && touch node_modules/.stamp; \
	else echo "npm not found: the standards' validators (tools/validators) will be skipped;" \
		"install nodejs, npm and a Java runtime to run them (.ci/run does)"; fi

# The development server and the task worker (e-mail of notifications and survey links) beside
# it; `workplan serve` starts the worker and ends it with the server.
run: $(BASE_STAMP)
	$(BIN)/workplan setup
	$(BIN)/workplan serve --bind 127.0.0.1:8000

test: $(TEST_STAMP)
	$(BIN)/python tools/run_tests.py $(ARGS)

bench: $(TEST_STAMP)
	@if [ -f bench/run.py ]; then $(BIN)/python bench/run.py $(ARGS); \
	else echo "bench/run.py does not exist yet; nothing to run"; fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		-o requirements/base.lock
	uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 \
		-o requirements/test.lock

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
