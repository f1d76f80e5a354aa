# Two entry points for a fresh Debian 12 machine with Python 3.11:
#   make demo   set up .venv and grade the sample cohort into reports/demo
#   make test   set up .venv with the test tools and run the whole test suite
# Installs go through constraints.txt, which pins torch==2.13.0 (the CPU build on disk):
# an unpinned torch would pull several GB of CUDA packages.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

# Debian packages: bubblewrap (with util-linux's prlimit and setpriv) is the sandbox for
# code questions; chromium runs the browser tests of the HTML reports (tests only).
DEMO_PACKAGES := bubblewrap util-linux
TEST_PACKAGES := $(DEMO_PACKAGES) chromium

.PHONY: demo test lint bench clean system-deps

demo: $(VENV)/.demo
	$(MAKE) --no-print-directory system-deps PACKAGES="$(DEMO_PACKAGES)"
	$(BIN)/harness demo --out reports/demo

test: $(VENV)/.dev
	$(MAKE) --no-print-directory system-deps PACKAGES="$(TEST_PACKAGES)"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Debian packages the tests use; installed when we are root (CI, a fresh machine), otherwise
# the tests that need them say how to install them.
system-deps:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "note: not root, so not installing $$missing (apt-get install $$missing)"; fi; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check harness tests bench
	$(BIN)/ruff format --check harness tests bench
	$(BIN)/mypy

bench: $(VENV)/.dev
	$(BIN)/python bench/bench_quiz.py

$(VENV)/.core: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $@

$(VENV)/.demo: $(VENV)/.core
	$(PIP) -e '.[all]'
	touch $@

$(VENV)/.dev: $(VENV)/.core
	$(PIP) -e '.[dev]'
	touch $@

clean:
	rm -rf $(VENV) reports/demo .pytest_cache .mypy_cache .ruff_cache
