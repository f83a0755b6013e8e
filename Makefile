# Two commands for a new machine: `make report` (the main job) and `make test`. Both set up .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data/plans
OUT ?= reports

.PHONY: setup report test lab summary export bench clean notebooks

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name ttdn_analysis --display-name "ttdn_analysis (.venv)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(BIN)/python -m ttdn_analysis report --data $(DATA) --out $(OUT)

summary: $(STAMP)
	$(BIN)/python -m ttdn_analysis summary $(DATA)

export: $(STAMP)
	$(BIN)/python -m ttdn_analysis export --data $(DATA) --format xlsx --out $(OUT)/tables

test: $(STAMP)
	$(BIN)/python -m pytest tests notebooks --nbval-lax --doctest-modules ttdn_analysis

notebooks: $(STAMP)
	$(BIN)/python -m ttdn_analysis.report --refresh-notebooks

# root (containers) needs --allow-root; everyone else gets the plain command
ROOTFLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOTFLAG) --ServerApp.root_dir=notebooks --MappingKernelManager.default_kernel_name=ttdn_analysis

bench: $(STAMP)
	$(BIN)/python bench/bench_load.py

clean:
	rm -rf $(OUT) .pytest_cache
