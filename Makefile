# Kontor's two everyday commands, for a fresh Linux or macOS machine with Python 3.11 or newer:
#
#   make run    install into .venv (first time only), then start Kontor on http://127.0.0.1:8000
#   make test   install the test tools (first time only), then ruff, mypy and the whole test suite
#
# Installs are keyed on the lock files: a second `make run` starts at once, and changing
# requirements/*.txt or pyproject.toml reinstalls. `make lock` regenerates the lock files.

VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.kontor-installed
TEST_INSTALLED := $(VENV)/.kontor-test-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

# The first Python 3.11+ on the PATH; `make run PYTHON=/path/to/python3` picks another.
PYTHON ?= $(shell for candidate in python3 python3.14 python3.13 python3.12 python3.11; do \
	if command -v $$candidate >/dev/null 2>&1 && \
	   $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	   echo $$candidate; break; fi; done)

# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="tests/contacts -x"`.
PYTEST_ARGS ?=

.PHONY: run test install install-test lint lock clean

run: $(INSTALLED)
	$(BIN)/kontor run

# All three checks run even when one fails, so one run shows everything that needs fixing.
# pytest exits with 5 when it collected no test (e.g. a -k that matches nothing): said, not failed.
test: $(TEST_INSTALLED)
	$(BIN)/kontor compiletranslations
	@failed=""; \
	echo "--- ruff"; $(BIN)/ruff check kontor tests || failed="$$failed ruff"; \
	echo "--- mypy"; $(BIN)/mypy kontor tests || failed="$$failed mypy"; \
	echo "--- pytest"; $(BIN)/pytest $(PYTEST_ARGS) || { status=$$?; \
		if [ $$status -eq 5 ]; then echo "pytest collected no tests"; else failed="$$failed pytest"; fi; }; \
	if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

install: $(INSTALLED)

install-test: $(TEST_INSTALLED)

lint: $(TEST_INSTALLED)
	$(BIN)/ruff check kontor tests
	$(BIN)/mypy kontor tests

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Kontor needs Python 3.11 or newer, and none was found on the PATH."; \
		echo "Install it (python.org, your package manager or Homebrew), then run make again,"; \
		echo "or name it: make run PYTHON=/path/to/python3.12"; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements/lock.txt pyproject.toml | $(BIN)/python
	$(PIP) install -r requirements/lock.txt
	@# --no-deps: the lock file already pinned every dependency; setuptools comes from it too.
	$(PIP) install --no-deps --no-build-isolation -e .
	$(BIN)/kontor compiletranslations
	touch $@

$(TEST_INSTALLED): requirements/test-lock.txt $(INSTALLED)
	$(PIP) install -r requirements/lock.txt -r requirements/test-lock.txt
	touch $@

# Rebuilds both lock files from pyproject.toml in throwaway virtual environments, so they hold
# exactly what a clean install needs and nothing that happens to sit in .venv.
lock:
	rm -rf build
	$(PYTHON) -m venv build/lock
	build/lock/bin/python -m pip install --quiet --upgrade pip setuptools
	build/lock/bin/python -m pip install --quiet .
	{ echo "# Kontor's runtime dependencies, exact versions. Regenerate with: make lock"; \
	  build/lock/bin/python -m pip freeze --all --exclude pip --exclude kontor; } > requirements/lock.txt
	build/lock/bin/python -m pip install --quiet -c requirements/lock.txt ".[test]"
	{ echo "# Test tools on top of requirements/lock.txt, exact versions. Regenerate with: make lock"; \
	  build/lock/bin/python -m pip freeze --all --exclude pip --exclude kontor \
	  | grep -vxFf requirements/lock.txt; } > requirements/test-lock.txt
	rm -rf build

clean:
	rm -rf $(VENV) build kontor.egg-info
	find kontor -name '*.mo' -delete
