# dpsupport: `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed.stamp
ASSETS := dpsupport/static/build/app.css

.PHONY: run test bench assets lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json frontend/app.scss scripts/build_assets.sh
	bash scripts/build_assets.sh

assets: $(ASSETS)

# The demo runs in "demo" mode: a local secret key in instance/, demo sign-ins shown.
run: $(STAMP) $(ASSETS)
	DPSUPPORT_ENV=demo $(PY) -m dpsupport.cli prepare-demo
	DPSUPPORT_ENV=demo $(PY) -m dpsupport.cli serve --demo

test: $(STAMP) $(ASSETS)
	$(PY) scripts/run_tests.py

bench: $(STAMP)
	$(PY) bench/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy payroll_rules dpsupport

clean:
	rm -rf $(VENV) node_modules dpsupport/static/build build dist *.egg-info
