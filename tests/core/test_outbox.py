"""The outbox: a task queued in a transaction is never lost, and never sent for a rollback."""

import pytest
from celery import shared_task
from django.db import transaction

from core import outbox
from core.models import OutboxMessage
from wnevc.celery import app as celery_app

RUNS: list[int] = []


@shared_task(name="tests.record_run")
def record_run(value: int) -> None:
    RUNS.append(value)


@pytest.fixture
def broker_down():
    """Celery publishing for real (not eagerly) to a port where no Redis listens."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    _forget_connections()
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
    _forget_connections()


def _forget_connections():
    # Celery keeps its connection and producer pools; new ones pick up the broker URL.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _no_runs():
    RUNS.clear()


@pytest.mark.django_db(transaction=True)
def test_a_committed_task_runs_and_its_row_is_marked_dispatched():
    with transaction.atomic():
        message = outbox.enqueue(record_run, 7)

    message.refresh_from_db()
    assert RUNS == [7]
    assert message.dispatched_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(record_run, 1)
        raise RuntimeError("the change failed")

    assert RUNS == []
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_change_commits_and_the_task_waits(broker_down):
    with transaction.atomic():
        message = outbox.enqueue(record_run, 3)

    message.refresh_from_db()
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert "Error" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_the_relay_hands_over_what_waited_once_the_broker_is_back(broker_down):
    with transaction.atomic():
        outbox.enqueue(record_run, 4)
    assert RUNS == []

    celery_app.conf.task_always_eager = True  # the broker is back (tasks run in-process here)
    handed_over = outbox.relay_pending()
    again = outbox.relay_pending()

    assert (handed_over, again) == (1, 0)
    assert RUNS == [4]
