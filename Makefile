# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps run test lint typecheck unit features bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

system-deps:
	@bash scripts/install-system-deps.sh

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
