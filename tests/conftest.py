import importlib
import os

import pytest
from django.conf import global_settings
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from wnevc.celery import app as celery_app

# CI must give the same verdict on every run, whatever else loads the machine: the same
# examples each time (derandomize: a failure found once is found again), no per-example
# deadline and no "too slow" health check (a busy 2-core machine is not a bug), nothing read
# from or written to the local example database. Locally, Hypothesis explores new examples on
# each run, without deadlines for the same reason. HYPOTHESIS_PROFILE=ci reproduces CI.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev")
)


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    # Most tests run tasks in-process; tests of the worker itself start a real one.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


# The production hasher is slow on purpose (PBKDF2, about half a second a password on these
# machines), and factories hash one for every user: tests hash with MD5. The defaults stay
# listed after it, so a hash made by a session-wide fixture still checks. Fault tests are left
# alone: their users sign in to servers in other processes, which know only the defaults.
FAST_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]


@pytest.fixture(autouse=True)
def _fast_passwords(request):
    # Not through pytest-django's `settings`: requested here, it would outlive the test's own
    # `settings` and undo a test's CACHES only after `_fresh_cache` had cleared the wrong cache.
    if "faults" in request.node.path.parts:
        yield
        return
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _redis_presumed_up():
    # After a Redis failure the cache and the outbox stop asking it for a while, per process;
    # each test starts with no such memory of another test's broken Redis.
    from core import cache as resilient_cache
    from core import outbox

    resilient_cache._down_until.clear()
    outbox._broker_down_until.clear()


@pytest.fixture(autouse=True)
def _no_remembered_pages():
    # Pages a process keeps in memory (core.page_cache) never carry over between tests.
    from core.page_cache import clear_page_memo

    clear_page_memo()
    yield
    clear_page_memo()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and cached pages live in the cache (Redis in CI): no test may see
    # another's. CI gives the suite a Redis database of its own.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """An S3-protocol server over HTTP (moto's), shared by the run; started on first use."""
    from tests.s3server import S3Server

    server = S3Server(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings):
    """The portal keeps its files in a fresh bucket of the S3 server for this test."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storages(bucket)}
    return bucket


@pytest.fixture(autouse=True)
def _audit_trail_emptied_on_sqlite(request):
    """Between transactional tests Django empties every table: TRUNCATE on PostgreSQL, which
    fires no row trigger, but DELETE on SQLite, which the audit trail's append-only trigger
    (core/migrations/0004) refuses. On SQLite the trail is emptied here first, with the delete
    trigger dropped for that statement only and put back at once."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    yield
    from django.db import connection

    if not transactional or connection.vendor != "sqlite":
        return
    append_only = importlib.import_module("core.migrations.0004_auditevent_append_only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        cursor.execute("DELETE FROM core_auditevent")
        cursor.execute(append_only.SQLITE_DELETE_TRIGGER)
