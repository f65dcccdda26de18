# `make demo` and `make test` do all the set-up on a fresh machine (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Python keeps the bytecode it compiles (the default), also where the environment says not to:
# each test worker and each process a test starts would otherwise compile the portal and the
# rewritten test modules again (seconds each). __pycache__ is ignored by git.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test serve lint typecheck format messages install clean backup restore check-storage

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed messages

# Compiles locale/zh_Hans with GNU gettext's msgfmt (part of the base image).
messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=$(VENV) --verbosity 0

# The local demo: SQLite in the project folder, tasks run eagerly, e-mail on the console,
# MFA relaxed (every page says so). Seeds the current edition once and prints the logins.
demo: install
	WNEVC_REQUIRE_MFA=0 $(PY) manage.py migrate --noinput
	WNEVC_REQUIRE_MFA=0 $(PY) manage.py seed_demo $(if $(STAGE),--stage $(STAGE),)
	WNEVC_REQUIRE_MFA=0 $(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs on TEST_WORKERS processes (pytest-xdist; `auto`: one per CPU), each with a
# PostgreSQL test database (test_<name>_gwN, from pytest-django) and a Redis database
# (tests/xdist_redis.py) of its own, in one run: the workers take tests one by one as they finish,
# the longest (the browser tests, with Chromium) first (tests/conftest.py). The fault tests, which
# start and break servers of their own and wait on them with time limits, go to one worker as a
# group, one after the other (`--dist loadgroup`, tests/faults/processes.py), while the other
# worker goes on with the rest. The run prints its slowest tests. PYTEST_ARGS runs just what it
# names, on the same workers (`make test PYTEST_ARGS=tests/voting`; add `-n 0` for one process).
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest --durations=20

test: install
	$(PYTEST) -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# mypy with django-stubs over the services, queries and pure cores (pyproject.toml, [tool.mypy]).
typecheck: $(VENV)/.installed
	$(PY) -m mypy

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The production shape on one machine: gunicorn, a Celery worker and beat, against the
# PostgreSQL and Redis named by DATABASE_URL and REDIS_URL (both required).
# 32 threads a worker: a slow upload holds its thread while it trickles in, and with no
# buffering proxy in front 20 of them must not starve everyone else (docs/deploy.md).
# The control socket (gunicorn 27) is this checkout's and port's own: the default,
# ~/.gunicorn/gunicorn.ctl, is shared by every gunicorn of the user, and the last to start takes
# it over. `gunicornc -s .gunicorn/serve-8000.ctl` talks to this one.
serve: install
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL (PostgreSQL) for make serve." && exit 2)
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL for make serve." && exit 2)
	DEBUG=$${DEBUG:-0} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-0} $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-0} $(VENV)/bin/celery -A wnevc worker --beat --loglevel INFO --concurrency 2 & \
	DEBUG=$${DEBUG:-0} $(VENV)/bin/gunicorn wnevc.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 32 --worker-class gthread \
		--control-socket $(CURDIR)/.gunicorn/serve-$(PORT).ctl; \
	kill %1

# Backup and restore of the database and the file store (docs/deploy.md, Backup and restore).
# make backup BACKUP=/srv/backups/2031-06-01   make restore BACKUP=/srv/backups/2031-06-01
backup: $(VENV)/.installed
	@test -n "$(BACKUP)" || (echo "Set BACKUP=<a new folder> for make backup." && exit 2)
	$(PY) manage.py backup_portal --to "$(BACKUP)"

restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || (echo "Set BACKUP=<a backup folder> for make restore." && exit 2)
	$(PY) manage.py restore_portal --from "$(BACKUP)"
	$(PY) manage.py check_storage

check-storage: $(VENV)/.installed
	$(PY) manage.py check_storage $(if $(YEAR),--year $(YEAR),)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
