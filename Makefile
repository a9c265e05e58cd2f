# Two commands for a newcomer: `make demo` runs the platform, `make test` checks it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints.txt | cksum | cut -d" " -f1)
PYTEST_ARGS ?=
# The demo's port: `make demo PORT=8001`. Exported so SITE_URL, the CSRF origins
# and the seeded site record follow it (config/settings/base.py).
PORT ?= 8000
export PORT

.PHONY: demo stop test venv lint check pytest chromium clean-var fuzz lighthouse screenshots

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $@

demo: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py rundemo --port $(PORT)

# Ctrl-C stops the demo's web server, worker and beat; the embedded PostgreSQL and
# Redis it started from var/ keep running for the next start. This stops them
# (without loading Django, whose settings would start them).
stop:
	$(PY) -m config.embedded stop

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

pytest: venv chromium
	$(PY) -m pytest $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium through Python Playwright (no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Install Chromium (e.g. sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

test: lint check pytest

# Schemathesis deeper than the suite (which sends 5 examples per operation):
# FUZZ_EXAMPLES per operation as anonymous, client and provider, plus allauth's
# headless API for server errors. Prints the request counts per actor.
FUZZ_EXAMPLES ?= 100
fuzz: venv
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_ALLAUTH=1 $(PY) -m pytest -p no:logging \
	  tests/api/test_schema_fuzz.py $(PYTEST_ARGS)

# Browser-side figures and the screenshot gallery, each over a demo site built from
# scratch (bench/README.md). Not part of `make test`.
lighthouse: venv chromium
	$(PY) bench/lighthouse.py $(ARGS)

screenshots: venv chromium
	$(PY) bench/screenshots.py $(ARGS)

# Removes the embedded servers' data for a fresh start (run `make stop` first).
clean-var:
	rm -rf var/
