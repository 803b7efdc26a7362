# `make run`: set up what is missing, then translate every page in seeds/ into output/.
# `make test`: the same setup, then the test suite.
# Setup is idempotent: a second call checks a few stamps and spends no time.

VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.bilingual-installed
DEBS    := libharfbuzz-subset0 fonts-noto-cjk fonts-noto-core fonts-dejavu-core fontconfig poppler-utils chromium \
           libreoffice-writer-nogui
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Two test processes (one per core here), a test file to a process: module fixtures are made once. Files are
# handed out longest first (tests/conftest.py orders them), not by how many tests they hold.
PYTEST_ARGS ?= -n auto --dist loadfile --no-loadscope-reorder

.PHONY: run test setup system-packages clean-output

run: setup
	$(VENV)/bin/bilingual translate seeds/ --out output/

# The suite starts the tool in ~150 processes: bytecode is written (__pycache__, ignored by git), not compiled
# again by each; the installed packages use the bytecode pip wrote (a PYTHONPYCACHEPREFIX would ignore it and
# make a fresh clone's first run compile every package again: about 20 s more).
test: setup
	$(VENV)/bin/ruff check .
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest $(PYTEST_ARGS)

setup: system-packages $(STAMP)

# One `apt-get update`, and only when a package is missing.
system-packages:
	@missing=""; for p in $(DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The CPU torch wheel goes in first: argostranslate -> stanza -> torch would otherwise pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,bench,ray]'
	$(PY) -m compileall -q bilingual  # (pip compiles what it installs, not an editable checkout)
	@touch $(STAMP)

clean-output:
	find output -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
