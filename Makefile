# retroblog: the package and its example site.
# The first target that needs Python packages creates .venv from the locked dependencies (uv.lock),
# with uv itself installed from PyPI into .uv/. Needs only python3 (3.11+) and make.

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compiled once at install: every later start (retroblog --help, each build, each test process) reads
# bytecode instead of compiling polars and the rest again where PYTHONDONTWRITEBYTECODE is set.
export UV_COMPILE_BYTECODE := 1
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: the same inputs give byte-identical HTML.
export SOURCE_DATE_EPOCH ?= 1700000000
PY_SOURCES := retroblog tests benchmarks charts.py data

.PHONY: help build serve check test test-fast update lint format bench clean deploy example-data example-posts

help:
	@echo "make build   build the example site into site/ (mkdocs build --strict)"
	@echo "make serve   preview with live reload on http://127.0.0.1:8000"
	@echo "make check   the whole check: lint (ruff format, ruff, mypy --strict) and every test (what CI runs)"
	@echo "make test    run the whole test suite"
	@echo "make update  run the tests, rewriting the tracked files they compare with (snapshots, goldens, README picture)"
	@echo "make lint    ruff format check, ruff lint, mypy (strict)"
	@echo "make bench   run the benchmarks (see benchmarks/README.md)"

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python "$$(command -v $(PYTHON))" --quiet
	@touch $@

build: $(VENV)/.synced
	$(BIN)/mkdocs build --strict

serve: $(VENV)/.synced
	$(BIN)/mkdocs serve  # not --strict: a broken block shows on the page and the preview goes on

# The whole check, as CI runs it (.ci/run): lint first (seconds), then every test.
check: lint test

test: $(VENV)/.synced
	$(BIN)/python -m pytest

test-fast: $(VENV)/.synced
	$(BIN)/python -m pytest -m "not browser and not slow"

# The one way tests change tracked files: chart snapshots, post goldens, the README picture. Review the diff.
update: $(VENV)/.synced
	$(BIN)/python -m pytest --update

lint: $(VENV)/.synced
	$(BIN)/ruff format --check $(PY_SOURCES)
	$(BIN)/ruff check $(PY_SOURCES)
	$(BIN)/mypy  # strict: see [tool.mypy] in pyproject.toml

format: $(VENV)/.synced
	$(BIN)/ruff format $(PY_SOURCES)
	$(BIN)/ruff check --fix $(PY_SOURCES)

bench: $(VENV)/.synced
	$(BIN)/python benchmarks/run.py

example-data: $(VENV)/.synced
	$(BIN)/python data/generate_example.py

# The example blog's imported posts (docs/blog/posts), re-imported from their sources in examples/imports.
example-posts: $(VENV)/.synced
	$(BIN)/retroblog import examples/imports/jekyll examples/imports/hashnode examples/imports/medium \
		--to docs/blog/posts --author jdoe --force

# Publish to GitHub Pages, built --strict for the published address (canonical links, sitemap, feeds):
# SITE_URL if set, else the Pages address of the git remote $(REMOTE) (retroblog pages-url).
REMOTE ?= origin
deploy: $(VENV)/.synced
	SITE_URL="$$($(BIN)/retroblog pages-url $(REMOTE))" && export SITE_URL && \
	echo "Publishing to $$SITE_URL" && \
	$(BIN)/mkdocs gh-deploy --strict --force --no-history --remote-name $(REMOTE)

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
