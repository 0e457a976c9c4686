# `make run` serves the app on SQLite at http://127.0.0.1:8000; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Local development settings, so that every command in the README works in the checkout.
.env:
	printf '# Written by make run for local development; see .env.example.\nDEBUG=True\n' > .env

run: install .env
	$(BIN)/tracker migrate --noinput
	$(BIN)/tracker runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/static staticfiles .pytest_cache .ruff_cache .coverage htmlcov
