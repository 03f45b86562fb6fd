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

$(TEST_STAMP): $(BASE_STAMP) requirements/test.lock
	$(BIN)/pip install --require-hashes -r requirements/test.lock
	@touch $@

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
