# exportlab — two commands on a fresh machine:  make run  |  make test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PROFILE ?= default
STAGES ?=
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint format lab venv clean clean-outputs bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

## make run [PROFILE=default|article2019|seminar|path.yaml] [STAGES="01 02"] [SHOW_CODE=1] — run the pipeline
run: $(STAMP)
	$(BIN)/exportlab run --profile $(PROFILE) $(if $(JOBS),--jobs $(JOBS),) $(if $(STAGES),--stages $(STAGES),) $(if $(FORCE),--force,) $(if $(SHOW_CODE),--show-code,)

## make test — ruff, the fast tier on two workers, then the slow tier (notebooks, kernels, full files)
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest -m "not slow" -n 2
	$(BIN)/python -m pytest -m slow

## make test-fast — ruff and the fast tier only (about 1.5 minutes on two cores)
test-fast: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -m "not slow" -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

## make lab — JupyterLab on the project, with the project's kernel (as root in a container too)
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)

bench: $(STAMP)
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## make clean-outputs [PROFILE=name] — remove one profile's output tree (what its runs wrote)
clean-outputs:
	rm -rf data/processed/$(PROFILE) figures/$(PROFILE) reports/$(PROFILE)

clean: clean-outputs
	rm -rf $(VENV)
