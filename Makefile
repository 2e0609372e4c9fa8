# Two commands: `make run` serves the demo help center, `make test` runs every test.
# Both create .venv and install the project (with its dependencies from setup.cfg) first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUITES := build/suites

# Browser tests drive Debian's chromium (Playwright cannot download a browser here).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/dalil serve --articles articles --host 127.0.0.1 --port 8000

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-core fonts-noto-color-emoji

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

# The dev benchmark on ../shared/devbench suites; figures go to docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/devbench.py --out $(SUITES) --write docs/benchmarks.md
	printf '# Learning curves\n\nMade with `make bench` (benchmarks/learning.py).\n\n' > docs/learning.md
	$(BIN)/python benchmarks/learning.py --suite ar-dev --out $(SUITES) --append docs/learning.md
	$(BIN)/python benchmarks/learning.py --suite en-dev-open --out $(SUITES) --append docs/learning.md
	$(BIN)/python benchmarks/learning.py --suite ar-dev --confirmations --out $(SUITES) --append docs/learning.md

clean:
	rm -rf $(VENV) build *.egg-info
