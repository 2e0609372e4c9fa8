# Two commands: `make run` serves the demo help center, `make test` runs every test
# (browser screenshots go to a temporary folder, so it changes no tracked file).
# Both create .venv and install the project (with its dependencies from setup.cfg) first.
# `make screenshots` runs the browser tests to refresh docs/screenshots/ on purpose.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUITES := build/suites

# Browser tests drive Debian's chromium (Playwright cannot download a browser here).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test screenshots install bench clean postgresql mailservers

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

# The store tests run on a real PostgreSQL too: tests/pg_fixtures.py starts Debian's
# server binaries (initdb, pg_ctl) in a temporary folder, so only the package is needed.
postgresql:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; }

# The mail tests run on a real IMAP server: tests/mail_servers.py starts Debian's dovecot
# with its own config in a temporary folder (never the system's service), so only the
# package is needed; the SMTP server is aiosmtpd, from the test extra.
mailservers:
	@command -v dovecot >/dev/null || test -x /usr/sbin/dovecot || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq dovecot-imapd; }

test: $(STAMP) $(CHROMIUM) postgresql mailservers
	$(BIN)/python -m pytest

# Only the browser tests, saving their screenshots into docs/screenshots/ (the README's
# pictures): run it when the pages change, then commit the new images.
screenshots: $(STAMP) $(CHROMIUM)
	DALIL_SCREENSHOTS='$(CURDIR)/docs/screenshots' $(BIN)/python -m pytest tests/browser

# The dev benchmark on ../shared/devbench suites; figures go to docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/devbench.py --out $(SUITES) --write docs/benchmarks.md
	printf '# Learning curves\n\nMade with `make bench` (benchmarks/learning.py).\n\n' > docs/learning.md
	$(BIN)/python benchmarks/learning.py --suite ar-dev --out $(SUITES) --append docs/learning.md
	$(BIN)/python benchmarks/learning.py --suite en-dev-open --out $(SUITES) --append docs/learning.md
	$(BIN)/python benchmarks/learning.py --suite ar-dev --confirmations --out $(SUITES) --append docs/learning.md

clean:
	rm -rf $(VENV) build *.egg-info
