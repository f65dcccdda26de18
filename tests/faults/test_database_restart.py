"""Fault: PostgreSQL restarts while the portal serves.

The portal keeps database connections open between requests (CONN_MAX_AGE) and checks each
one before use (conn_health_checks), so after a restart every request gets a fresh connection
instead of an error page; nobody restarts the portal.
"""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.django_subprocess import run

from .processes import FAULTS_ONE_AT_A_TIME, Gunicorn, PostgresCluster

pytestmark = [pytest.mark.faults, FAULTS_ONE_AT_A_TIME]

EDITION_NAME = "2031 Fault Drill Selection"
SEED = f"""
from datetime import timedelta
from django.utils import timezone
from submissions.models import Edition, StageWindow
edition = Edition.objects.create(
    year=2031, name_zh="2031年故障演练评选", name_en="{EDITION_NAME}", is_current=True,
    committee_size=31,
)
StageWindow.objects.create(
    edition=edition, stage="collection", opens_at=timezone.now() - timedelta(days=1),
    closes_at=timezone.now() + timedelta(days=29),
)
"""


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@pytest.fixture
def postgres():
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def portal(postgres, tmp_path):
    """gunicorn on the private cluster, migrated and holding one current edition."""
    for args in (["manage.py", "migrate", "--noinput"], ["manage.py", "shell", "-c", SEED]):
        result = run(args, DATABASE_URL=postgres.url, WNEVC_REQUIRE_MFA="0")
        assert result.returncode == 0, result.stderr
    server = Gunicorn(tmp_path, DATABASE_URL=postgres.url, DB_CONN_MAX_AGE="600").start()
    yield server
    server.stop()


def served(portal: Gunicorn, path: str) -> tuple[int, str]:
    return get(portal.base_url + path)


def test_requests_after_a_database_restart_succeed_without_restarting_the_portal(postgres, portal):
    # Arrange: the portal has served pages that read the database, so its threads hold
    # open connections to PostgreSQL.
    with ThreadPoolExecutor(4) as pool:
        before = list(pool.map(lambda _: served(portal, "/en/calendar/"), range(8)))
    assert [status for status, _ in before] == [200] * 8
    assert all(EDITION_NAME in body for _, body in before)

    # Act: PostgreSQL restarts (every open connection is cut); the portal keeps running.
    postgres.restart()
    with ThreadPoolExecutor(4) as pool:
        after = list(pool.map(lambda _: served(portal, "/en/calendar/"), range(12)))
    health_status, health_body = served(portal, "/healthz")

    # Assert: every request after the restart read the database and succeeded.
    assert [status for status, _ in after] == [200] * 12, after[0][1][:2000]
    assert all(EDITION_NAME in body for _, body in after)
    assert (health_status, json.loads(health_body)["database"]) == (200, "ok")
    assert portal.process.poll() is None
