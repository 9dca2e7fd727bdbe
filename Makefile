# gdegraph developer tasks. `make` alone lists them.
# Needs GNU make and a Python 3.11+ (`make PYTHON=python3.12 ...` to choose one).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
OUT    ?= dist
BENCH_SCALES ?= 10k,100k

.DEFAULT_GOAL := help
.PHONY: help venv run test serve validate readme-table bench screenshots vendor clean distclean

help: ## List the targets
	@echo "gdegraph: make TARGET"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

venv: $(STAMP) ## Create .venv and install gdegraph with its runtime dependencies (again only when pyproject.toml changes)

# Runtime only for `make run`; `make test` adds the test extras. pip prints what it collects and
# installs (no --quiet: a first install takes a while and should be seen to progress).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e .
	@touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	@touch $@

run: venv ## Build the graph into dist/ and print its statistics
	$(BIN)/gdegraph build --out $(OUT)
	$(BIN)/gdegraph stats

test: $(TEST_STAMP) ## Install the test extras, check the import layers, run the test suite
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q

serve: venv ## Publish into dist/, then serve the linked data on :8080 and the Datasette tables on :8001
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[datasette]'
	$(BIN)/gdegraph publish --out $(OUT)
	$(BIN)/gdegraph serve --dist $(OUT) --datasette-port 8001

validate: venv ## Check every Turtle file for syntax and against the SHACL shapes
	$(BIN)/gdegraph validate

readme-table: venv ## Regenerate the README's table of what the graph holds, from the graph
	$(BIN)/gdegraph stats --readme README.md

bench: $(TEST_STAMP) ## Benchmarks at BENCH_SCALES=10k,100k (add 1m: ~7 min more with BENCH_PYSHACL_TIMEOUT=120); table, bench/results/*.json
	BENCH_SCALES=$(BENCH_SCALES) $(BIN)/python -m bench.run

screenshots: venv ## Regenerate docs/img/*.png (workbench, trust page, faceted list, map, network) in headless Chromium
	GDEGRAPH_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q tests/test_browser.py -k "not static"

vendor: ## Copy the pinned front-end libraries (web/package.json) from npm into gdegraph/site/static/vendor/
	./web/vendor.sh

clean: ## Remove build output and caches (keeps .venv)
	rm -rf $(OUT) build .pytest_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## Also remove .venv
	rm -rf $(VENV)
