# Nucleo: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/nucleo
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)

.PHONY: run test lint format migrations-check pytest services chromium messages \
        makemessages worker beat bench bench-notifications bench-network install install-dev npm clean

## run: install, migrate, load the demo data and serve http://127.0.0.1:8000
run: install npm messages
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

## test: lint, migrations check and every test on PostgreSQL + Redis + Chromium
test: install-dev npm chromium services lint migrations-check pytest

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev
npm: node_modules/.installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## messages: compile the translation catalogs (the compiled ones are committed too)
messages: install
	@if command -v msgfmt >/dev/null; then \
		$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules; \
	else echo "msgfmt (gettext) not found: using the committed compiled catalogs"; fi

makemessages: install
	$(PY) manage.py makemessages -l it -l en --no-obsolete --add-location file \
		--ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench
	$(MAKE) messages

chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing: install it (sudo apt-get install chromium) and run make test again."; \
			exit 1; \
		fi; }

services: install
	@$(TEST_ENV) $(PY) manage.py check_services --create-database

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

pytest: install-dev npm
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

worker: install
	$(PY) -m celery -A nucleo worker -l info --concurrency=2

beat: install
	$(PY) -m celery -A nucleo beat -l info

## bench: seed at scale and time every registered page against the floor page
bench: install npm
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_scale --factor $${FACTOR:-1}
	$(PY) bench/pages.py

## bench-notifications: deliveries per second through a real worker, against a no-op task
bench-notifications: install npm services
	$(TEST_ENV) $(PY) manage.py migrate --noinput
	$(TEST_ENV) $(PY) bench/notifications.py --count $${COUNT:-10000}

## bench-network: ranking 10,000 volunteers for one request next to the floor page, and
## an alert's fan-out to 100,000 members through a real worker against a no-op task
bench-network: install npm services
	$(TEST_ENV) $(PY) manage.py migrate --noinput
	$(TEST_ENV) $(PY) manage.py seed_scale --factor $${FACTOR:-100}
	$(TEST_ENV) $(PY) bench/network.py $${MEMBERS:+--members $$MEMBERS}

clean:
	rm -rf $(VENV) node_modules staticfiles artifacts
