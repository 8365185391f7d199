# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Debian's CPython where there is one: it is built with profile-guided and link-time
# optimisation, as production's is (python:3.11 images, Debian servers), and runs the rules engine
# 15-20 % faster than a build without them, such as pyenv's default (docs/performance.md).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INTERPRETER := $(VENV)/.interpreter

.PHONY: install system-deps run test lint typecheck unit features bench clean FORCE

# The environment is made again when it was made with another interpreter; the file's time
# changes only then, so an unchanged environment is not reinstalled.
$(INTERPRETER): FORCE
	@echo '$(PYTHON)' | cmp -s - $@ || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && echo '$(PYTHON)' > $@; }

$(STAMP): pyproject.toml $(INTERPRETER)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

system-deps:
	@PYTHON='$(PYTHON)' bash scripts/install-system-deps.sh

# The demo's local parameters supply the minimum wage and medical deductible that no public
# document gives per county (see rules/parameters/); a county sets its own ASSISTANCE_PARAMETERS.
run: export ASSISTANCE_PARAMETERS ?= examples/local-parameters
run: install
	$(BIN)/assistance db upgrade
	$(BIN)/assistance demo
	$(BIN)/assistance serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Integration tests run on SQLite and on PostgreSQL (127.0.0.1:5432; ASSISTANCE_TEST_POSTGRES).
test: install lint typecheck
	$(BIN)/pytest -q

bench: install
	$(BIN)/python benchmarks/rules_engine.py
	$(BIN)/python benchmarks/documents.py

clean:
	rm -rf $(VENV) build *.egg-info
