import importlib
import os
from contextlib import contextmanager

import pytest
from django.conf import global_settings
from django.core.cache import cache
from django.db import transaction
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
# listed after it, so a hash made by a session-wide fixture still checks. The fault tests' users
# too: the servers they start in other processes know only the defaults, but no test signs in
# there with a password (a session made by force_login names the account, and the other process
# checks it against an HMAC of the stored hash, whatever the hasher). Half a second a user saved.
FAST_PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]


@pytest.fixture(autouse=True)
def _fast_passwords():
    # Not through pytest-django's `settings`: requested here, it would outlive the test's own
    # `settings` and undo a test's CACHES only after `_fresh_cache` had cleared the wrong cache.
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


# Made by post_migrate from the code, the same after every flush.
KEPT_BY_FLUSH = {"django_content_type", "auth_permission"}


@pytest.fixture(autouse=True, scope="session")
def _flush_deletes_rows():
    """Django empties every table after a transactional test (`flush`) with one TRUNCATE of all
    sixty, which on PostgreSQL makes new files for each and takes 0.3 to 0.6 s; the few rows a
    test leaves are deleted in about 20 ms. As the database's owner, with the triggers off for
    this one transaction (`session_replication_role`), so neither the foreign keys' order nor the
    audit trail's append-only trigger stands in the way, as none does for TRUNCATE. The content
    types and permissions stay: the flush's post_migrate would only make the same rows again."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate_all = DatabaseOperations.sql_flush

    def delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate_all(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Table names from Django's introspection, quoted.
        deletes = [
            f"DELETE FROM {self.quote_name(table)};"  # noqa: S608
            for table in tables
            if table not in KEPT_BY_FLUSH
        ]
        return ["SET LOCAL session_replication_role = replica;", *deletes]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", delete_rows)
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, and before it drops the worker's test database, an end to any session
    still connected to it. PostgreSQL will not drop a database in use, and a session can
    outlive its test for a moment: a child of a process a fault test stopped, still exiting
    (`tests/faults/processes.stop_process` waits for the whole group, within its timeout). One
    did in CI, and failed a run whose every test had passed."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@contextmanager
def rolled_back_at_the_end(django_db_blocker):
    """A transaction that a class- or module-scoped fixture holds open across its tests, for
    data several tests only read (built once inside it): each test's own transaction is a
    savepoint inside, so what a test changes is gone for the next, and the whole rolls back
    when the fixture ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


# The suite runs on pytest-xdist workers that take tests one by one as they finish (`--dist
# loadgroup`): the longest go first, so the run does not end with one worker still inside a
# minute-long browser test while the other has nothing left. The fault tests are one group
# (tests/faults/processes.py), which xdist hands out first, as a whole, to one worker.
LONGEST_FIRST = (
    "tests/browser/test_every_page.py",
    "tests/browser/test_integrity_pages.py",
    "tests/browser/test_final_evaluation_journey.py",
    "tests/browser/test_nomination_journey.py",
    "tests/browser/",
)


@pytest.hookimpl(trylast=True)  # after pytest-django's, which puts transactional tests last
def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.nodeid
        return next(
            (i for i, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)),
            len(LONGEST_FIRST),
        )

    items.sort(key=rank)
