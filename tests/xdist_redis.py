"""A Redis database of its own for each pytest-xdist worker.

Tests clear the cache (FLUSHDB) before and after themselves, and rate-limit counters live in
it: two workers on one Redis database would wipe each other's. Worker gwN therefore uses the
database N above the one REDIS_URL names (gw0 the one named, gw1 the next, ...); PostgreSQL needs
nothing of the kind, pytest-django gives each worker a test database of its own (test_<name>_gwN).

The settings read REDIS_URL once, when pytest-django loads them in pytest_load_initial_conftests,
before any conftest.py is imported; so this is a plugin named in pyproject's addopts
(`-p tests.xdist_redis`), and its hook runs first.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

# Redis' default number of databases (the `databases` setting).
REDIS_DATABASES = 16
# Where a worker keeps the REDIS_URL it was given (its test checks the rewrite).
NAMED = "WNEVC_TEST_REDIS_URL_NAMED"


def redis_url_for_worker(url: str, worker: str) -> str:
    """`url` with its database number raised by the worker's index ("gw3" adds 3)."""
    index = int(worker.removeprefix("gw"))
    parts = urlsplit(url)
    named = parts.path.strip("/")
    database = (int(named) if named else 0) + index
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"xdist worker {worker} would use Redis database {database}, past the last one "
            f"({REDIS_DATABASES - 1}): name a lower database in REDIS_URL or run fewer workers."
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("REDIS_URL")
    if worker and url:
        os.environ[NAMED] = url
        os.environ["REDIS_URL"] = redis_url_for_worker(url, worker)
