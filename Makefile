# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# The interpreter must be Python 3.12 or 3.13 (hazm 0.12 needs it); PYTHON=... overrides the search.

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# First of python3.12, python3.13, python3 (each also as any pyenv 3.12/3.13) that is >= 3.12, < 3.14.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for c in python3.12 python3.13 python3; do \
	  for v in "" $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[23]\.' | sort -rV); do \
	    if PYENV_VERSION=$$v $$c -c 'import sys; sys.exit(not (3,12) <= sys.version_info[:2] < (3,14))' 2>/dev/null; then \
	      echo "env PYENV_VERSION=$$v $$c"; exit 0; fi; \
	  done; done)
endif

.PHONY: run test test-fast lint typecheck bench clean

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Sokhan needs Python 3.12 or 3.13: install one (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12'"; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP) lint
	$(PY) -m pytest

# The quick loop: everything but the tests over the ir-news corpus.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not corpus"

lint: $(STAMP)
	$(VENV)/bin/ruff check bot storage tests benchmarks
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	$(PY) benchmarks/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
