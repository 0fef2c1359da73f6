# Two commands: `make run` (dashboard on the bundled sample) and `make test`; `make monitor`
# runs the watcher (`etl watch`, MONITOR_CONFIG) and the dashboard together.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := $(or $(TENSION_DB),data/tension.duckdb)
PORT ?= 8501
MONITOR_CONFIG ?= monitor.toml

.PHONY: run test lint sample bench clean monitor

run: $(VENV)/.runtime | $(DB)
	$(PY) -m streamlit run serve.py --server.port $(PORT)

test: lint
	$(PY) -m pytest

# the watcher and the dashboard together; Ctrl-C (or either one ending) stops both. No sample
# is built: the dashboard shows the first cycle's data once the watcher publishes it
monitor: SHELL := /bin/bash
monitor: $(VENV)/.runtime
	@test -f "$(MONITOR_CONFIG)" || { echo "no $(MONITOR_CONFIG): cp monitor.example.toml \
	$(MONITOR_CONFIG) and edit its sources, or pass MONITOR_CONFIG=FILE" >&2; exit 2; }
	@trap 'kill $$watcher $$dashboard 2>/dev/null; wait' INT TERM EXIT; \
	$(PY) -m etl watch --config "$(MONITOR_CONFIG)" & watcher=$$!; \
	TENSION_MONITOR_CONFIG="$(MONITOR_CONFIG)" \
	$(PY) -m streamlit run serve.py --server.port $(PORT) --server.headless true & \
	dashboard=$$!; wait -n

# sqlfluff reads .sqlfluff (the house style) and skips what .sqlfluffignore names
lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m sqlfluff lint queries

sample: $(VENV)/.runtime
	$(PY) -m etl sample

# the database is built only when missing; `make sample` rebuilds it. Said out loud, because
# a TENSION_DB pointing at a mistyped path would otherwise show the sample as if it were yours
$(DB): | $(VENV)/.runtime
	@echo "no database at $(DB): building the bundled sample there (make sample rebuilds it)" >&2
	$(PY) -m etl sample
	@echo "built the bundled sample at $(DB)" >&2

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11+ is needed; run: make PYTHON=python3.11 ..." >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.runtime: requirements.txt $(VENV)/.python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
