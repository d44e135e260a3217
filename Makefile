# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export LIKENESS_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test lint typecheck unit interop-tools media-tools bench-detect bench bench-decisions bench-ledger bench-ledger-audit bench-residuals bench-api bench-statements bench-import browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

# torch (under the voice model) is pinned to 2.13.0 first: that release's CPU build lies on this
# kind of machine, where any other range would pull a CUDA build of several GB
TORCH ?= torch==2.13.0

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[media]"
	touch $@

## the test photographs: insightface ships sample photos of real people (only its data is read,
## so none of its dependencies is installed)
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e ".[media]" --group dev
	$(BIN)/pip install --quiet --no-deps "insightface==2.1"
	touch $@ $(VENV)/.run-installed

## run: install, initialize the SQLite database, load the demo data if empty, serve on :8000
run: $(VENV)/.run-installed
	$(BIN)/likeness init
	$(BIN)/likeness demo
	$(BIN)/likeness serve

## browser: make sure headless Chromium is there for the portal tests (Debian's package)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Chromium (e.g. sudo apt-get install chromium) for the portal tests" >&2; exit 1; fi; }

## media-tools: espeak-ng from Debian, whose voices speak the test recordings for voice detection
media-tools:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq espeak-ng >/dev/null; \
	  else echo "install espeak-ng (e.g. sudo apt-get install espeak-ng) for the voice detection tests" >&2; exit 1; fi; }

## interop-tools: Go and golang.org/x/mod from Debian, for the ledger's interop tests (Go's own
## signed-note and transparency-log code checks our checkpoints, cosignatures and proofs)
interop-tools:
	@{ command -v go >/dev/null 2>&1 && [ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/note ]; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq golang-go golang-golang-x-mod-dev >/dev/null; \
	  else echo "install Go and golang.org/x/mod (e.g. sudo apt-get install golang-go golang-golang-x-mod-dev) for the ledger interop tests" >&2; exit 1; fi; }

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

## test: lint, types, and every test (unit, SQLite + PostgreSQL integration, CLI/API/browser e2e),
## on two worker processes that take work from each other at the end (TEST_WORKERS=0: this one)
TEST_WORKERS ?= 2
test: $(VENV)/.dev-installed browser interop-tools media-tools lint typecheck
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

unit: $(VENV)/.dev-installed
	$(BIN)/pytest tests/unit -q

bench: bench-decisions bench-ledger bench-ledger-audit bench-residuals bench-api bench-statements bench-import bench-detect

## bench-decisions: 1,000,000 consents in SQLite, a warm engine, 100,000 decisions vs Cedar
bench-decisions: $(VENV)/.dev-installed
	$(BIN)/python bench/bench_decisions.py

## bench-ledger: 1,000,000 durable batched ledger appends, proofs and full verify, vs pymerkle
bench-ledger: $(VENV)/.dev-installed
	$(BIN)/python bench/bench_ledger.py

## bench-ledger-audit: `likeness ledger audit` over a world of 100,000 entries (SQLite)
bench-ledger-audit: $(VENV)/.dev-installed
	$(BIN)/python bench/bench_ledger_audit.py

## bench-residuals: 100M viewership rows (cached in .bench-data/) through `likeness residuals run`
## on DuckDB end to end, the floor query, and Spark local mode on 10M rows (identical cents)
bench-residuals: $(VENV)/.dev-installed
	$(BIN)/python bench/bench_residuals.py

## bench-detect: face images/s at 640x480 on one core, index search p50 at 10,000 and 1,000,000
## enrolled, and the false-match and miss rates of the thresholds on the test photographs and voices
bench-detect: $(VENV)/.dev-installed media-tools
	$(BIN)/python bench/bench_detect.py

## bench-api: `likeness serve --workers 2` on SQLite then PostgreSQL (demo + 100,000 consents)
## under wrk: single and batch decisions, then a mixed run; the ledger must verify afterwards
bench-api: $(VENV)/.dev-installed
	$(BIN)/python bench/bench_api.py

## bench-statements: 1,000,000 pay lines over 100,000 performers in SQLite (cached in .bench-data/):
## one statement's p50, the union's dues report, one statement as JSON, CSV and PDF
bench-statements: $(VENV)/.dev-installed
	$(BIN)/python bench/bench_statements.py

## bench-import: `likeness import` of 1,000,000 performers (102 MB) into SQLite, streamed
bench-import: $(VENV)/.dev-installed
	$(BIN)/python bench/bench_import.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
