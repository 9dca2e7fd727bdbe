# gdegraph developer tasks. `make` alone lists them.
# Needs GNU make and a Python 3.11+ (`make PYTHON=python3.12 ...` to choose one).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= dist
BENCH_SCALES ?= 10k,100k

.DEFAULT_GOAL := help
.PHONY: help venv run test validate readme-table bench clean distclean

help: ## List the targets
	@echo "gdegraph: make TARGET"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

venv: $(STAMP) ## Create .venv and install gdegraph with its test tools (again only when pyproject.toml changes)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

run: venv ## Build the graph into dist/ and print its statistics
	$(BIN)/gdegraph build --out $(OUT)
	$(BIN)/gdegraph stats

test: venv ## Run the test suite
	$(BIN)/python -m pytest -q

validate: venv ## Check every Turtle file for syntax and against the SHACL shapes
	$(BIN)/gdegraph validate

readme-table: venv ## Regenerate the README's table of what the graph holds, from the graph
	$(BIN)/gdegraph stats --readme README.md

bench: venv ## Benchmarks at BENCH_SCALES=10k,100k (add 1m: ~7 min more with BENCH_PYSHACL_TIMEOUT=120); table, bench/results/*.json
	BENCH_SCALES=$(BENCH_SCALES) $(BIN)/python -m bench.run

clean: ## Remove build output and caches (keeps .venv)
	rm -rf $(OUT) build .pytest_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## Also remove .venv
	rm -rf $(VENV)
