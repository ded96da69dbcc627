# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
# Both create .venv in the repo root when missing and install the project into it.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_OUT := out/demo
PYTEST_ARGS ?=

.PHONY: setup demo lint test test-fast bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "dyadscope needs Python 3.11, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

demo: setup
	$(BIN)/dyadscope run sample_clips/manifest.csv --ratings sample_clips/ratings.csv --out $(DEMO_OUT) --jobs 2
	@echo "Demo results: $(CURDIR)/$(DEMO_OUT)  (report.html, review/index.html, predictions.csv, review_queue.csv, features.csv, qc.csv, clips/<clip_id>/)"

# ruff: lint rules and formatting (settings in pyproject.toml).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite (what CI runs): lint, then pytest. `make test-fast` leaves out tests marked slow.
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python benchmarks/decode_speed.py
	$(BIN)/python benchmarks/audio_speed.py

clean:
	rm -rf $(DEMO_OUT) .pytest_cache
