# Two commands for a new machine: `make report` (the main job) and `make test`. Both set up .venv themselves,
# with the versions pinned in constraints.txt (the reproducible path; `pip install ttdn_analysis[...]` is the open one).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/plans
OUT ?= reports

.PHONY: setup system-tools bench-ocr report test lint lab summary export bench clean notebooks

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,lab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name ttdn_analysis --display-name "ttdn_analysis (.venv)" >/dev/null
	touch $(STAMP)

# The system programs that read scans and legacy Word files: Tesseract with its Vietnamese model (OCR) and
# LibreOffice's word processor (.doc). Installed with apt when running as root and missing; otherwise the one
# command to run is printed (the rest works without them: a scan or .doc then gives a problem row naming it).
SYSTEM_PKGS := tesseract-ocr tesseract-ocr-vie libreoffice-writer-nogui

system-tools:
	@missing=""; \
	command -v tesseract >/dev/null 2>&1 || missing="$$missing tesseract-ocr"; \
	{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; } \
		|| missing="$$missing tesseract-ocr-vie"; \
	{ command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; } \
		|| missing="$$missing libreoffice-writer-nogui"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing$$missing (OCR of scans, legacy .doc)"; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				$$missing >/dev/null) || echo "could not install$$missing: scans and .doc files will be problem rows"; \
		else \
			echo "scans (OCR) and legacy .doc need:$$missing -- run: sudo apt-get install $(SYSTEM_PKGS)"; \
		fi; \
	fi

setup: $(STAMP) system-tools

report: $(STAMP) system-tools
	$(BIN)/ttdn report --data $(DATA) --out $(OUT)

summary: $(STAMP)
	$(BIN)/ttdn summary --data $(DATA)

export: $(STAMP)
	$(BIN)/ttdn export --data $(DATA) --format xlsx --out $(OUT)/tables

# Everything runs (lint, types, unit tests and doctests, notebooks, browser, slow tests); any failure fails the target.
# The notebooks' kernels and the tests use a cache folder of their own, never the user's ~/.cache/ttdn_analysis.
test: $(STAMP) system-tools
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/mypy || status=1; \
	cache=$$(mktemp -d); \
	TTDN_CACHE_DIR=$$cache $(BIN)/python -m pytest tests notebooks --nbval-lax --doctest-modules ttdn_analysis -rs \
		-p no:cacheprovider || status=1; \
	rm -rf "$$cache"; \
	exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# re-run the notebooks in place, so that nbval compares against current outputs (after a change to extraction)
notebooks: $(STAMP)
	$(BIN)/ttdn report --refresh-notebooks

# root (containers) needs --allow-root; everyone else gets the plain command
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOTFLAG) --ServerApp.root_dir=notebooks --MappingKernelManager.default_kernel_name=ttdn_analysis

bench: $(STAMP)
	$(BIN)/python bench/bench_load.py

# OCR throughput against Tesseract alone, and a rerun over cached scans (bench/RESULTS.md, section OCR)
bench-ocr: $(STAMP) system-tools
	$(BIN)/python bench/bench_ocr.py

clean:
	rm -rf $(OUT) .pytest_cache
