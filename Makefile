# Two commands are the whole set-up: `make demo` and `make test` (see README.md).
# `make test` = `make lint` + every test; `make test-fast` = the tests that render nothing (under a minute).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint docs system-deps bench clean

system-deps:
	@sh scripts/system-deps.sh

$(STAMP): setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

demo: system-deps $(STAMP)
	$(BIN)/erasure-docs validate sample_cases/
	$(BIN)/erasure-docs check sample_cases/adult-prostitution.yaml
	$(BIN)/erasure-docs batch sample_cases/ --out output/ --force
	@echo "Case folders are in output/<case_id>/ — open output/CLINIC-2026-0013/filings/ga-15-new-britain/filing.pdf (for the clerk) or output/CLINIC-2026-0013/attorney/attorney-copy.pdf (for the attorney)"

test: system-deps $(STAMP) lint
	@sh scripts/system-deps.sh chromium chromium-driver
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# No WeasyPrint or docxtpl rendering: the model, the rules, the API, the contexts, the CLI's reading commands.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not render and not slow"

# The README command table, the case-file field reference and the template-variable index, from the code.
docs: $(STAMP)
	$(BIN)/python -m erasure_docs.docs_build

# ruff (pyflakes, pycodestyle, bugbear) and mypy (strict for erasure_docs/rules/ and the API); see pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check erasure_docs tests bench scripts
	$(BIN)/mypy

bench: system-deps $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info output/*/ .pytest_cache .mypy_cache .ruff_cache
