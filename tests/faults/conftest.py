"""Fixtures of the fault tests: a nominating organisation with a complete draft, and the
private services (Redis, an SMTP sink) the tests break on purpose."""

import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone

from submissions.models import Category
from submissions.stages import Stage
from tests.factories import (
    CategoryFactory,
    DirectionFactory,
    EditionFactory,
    NominationFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)
from tests.submissions.conftest import complete
from wnevc.celery import app as celery_app

from .processes import CeleryWorker, RedisServer, SmtpSink


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def edition(db):
    edition = EditionFactory(is_current=True)
    StageWindowFactory(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=29),
    )
    CategoryFactory(edition=edition, code=Category.Code.CUTTING_EDGE)
    DirectionFactory(edition=edition, code="power-battery")
    return edition


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def nominator(organisation):
    """Acts for the organisation; reads Chinese."""
    return UserFactory(organisation=organisation, preferred_language="zh-hans")


@pytest.fixture
def colleague(organisation):
    """Another account of the same organisation; reads English."""
    return UserFactory(organisation=organisation, preferred_language="en")


@pytest.fixture
def nomination(edition, organisation, nominator):
    """A draft, texts complete in both languages, materials not yet added."""
    return NominationFactory(
        edition=edition,
        category=edition.categories.get(),
        direction=edition.directions.get(),
        organisation=organisation,
        created_by=nominator,
        code=f"{edition.year}-CE-001",
    )


@pytest.fixture
def complete_nomination(nomination, nominator):
    return complete(nomination, nominator)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def celery_worker(tmp_path):
    """Starts real workers (`celery_worker(**environment)`); none outlives the test."""
    started: list[CeleryWorker] = []

    def start(**variables: str) -> CeleryWorker:
        worker = CeleryWorker(tmp_path, **variables)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.kill()


@contextlib.contextmanager
def celery_publishing_to(broker_url: str):
    """This process publishes tasks to `broker_url` for real (not eagerly), as the web
    process does in production."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker_url
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
        _forget_connections()


def _forget_connections():
    # Celery keeps its connection and producer pools; new ones pick up the broker URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
