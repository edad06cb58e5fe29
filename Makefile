# Two commands are the whole set-up: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test system-deps bench clean

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
	$(BIN)/erasure-docs batch sample_cases/ --out output/
	@echo "Packets are in output/<case_id>/ — open output/CLINIC-2026-0013/packet.pdf"

test: system-deps $(STAMP)
	@sh scripts/system-deps.sh chromium chromium-driver
	$(BIN)/python -m pytest -q

bench: system-deps $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info output/*/ .pytest_cache
