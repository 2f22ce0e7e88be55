# Quick start: `make demo` and `make test`. Both create .venv and install the core
# and every in-repo plugin (plugins/*/) with their test extras.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLUGINS := $(sort $(dir $(wildcard plugins/*/pyproject.toml)))
LINTED := $(wildcard src tests benchmarks examples plugins docs/hooks)

# Debian's Chromium: the html export's tests open the page in it (headless).
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test lint typecheck unit docs bench browser clean

$(STAMP): pyproject.toml $(wildcard plugins/*/pyproject.toml)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "tuyentruyen needs Python >= 3.11; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]" $(foreach p,$(PLUGINS),-e "$(p)[test]")
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tuyentruyen demo

test: lint typecheck unit docs

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

typecheck: $(STAMP)
	$(BIN)/mypy
	$(foreach p,$(PLUGINS),$(BIN)/mypy --strict $(p)src &&) true

unit: $(STAMP) browser
	$(BIN)/pytest

# Installs Chromium where it is missing (as root, with apt); elsewhere says how. The
# browser tests skip with that message outside CI and fail in CI.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q --no-install-recommends chromium >/dev/null || \
	    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends chromium >/dev/null; }; \
	  else \
	    echo "Chromium is missing: install Debian's chromium package (the html tests need it)"; \
	  fi; }

# The docs site, warnings as errors (mkdocs.yml); open build/site/index.html.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_lifecycle.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis
