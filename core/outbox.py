"""The transactional outbox: queue Celery tasks so that none is lost when Redis is down.

    outbox.enqueue(tasks.send_state_change_notice, change.pk)

inside the service's transaction. The row commits with the change; after commit we try to
hand it to the broker at once, and `relay_pending` (run by beat) retries whatever is left.
Handing over can happen twice (a crash between publishing and marking the row), so the tasks
queued this way must be idempotent; they are, by design of each task.
"""

import logging
import time

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# What a broker outage looks like from the publishing side.
BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, TimeoutError, OSError)

# A broker that hangs (rather than refusing connections) costs each publish its full socket
# timeout. After a failure, requests of this process stop trying for this many seconds and leave
# their rows to the relay, so a hung Redis does not add seconds to every submission.
BROKER_RETRY_AFTER = 15.0
_broker_down_until: dict[str, float] = {}  # per broker URL, for the whole process


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: dispatch(message, unless_broker_down=True))
    return message


class _NotHandedOver(Exception):
    """Raised inside the claim's transaction so that the claim is rolled back."""


def dispatch(message: OutboxMessage, *, unless_broker_down: bool = False) -> bool:
    """Hand one pending message to Celery. False if it was not pending or the broker is down.

    With `unless_broker_down` (after a commit, in a request) nothing is tried while a recent
    failure says the broker is down; the relay always tries.
    """
    # Tasks run in-process (the demo, most tests) have no broker to be down.
    broker = "" if current_app.conf.task_always_eager else current_app.conf.broker_url or ""
    if unless_broker_down and time.monotonic() < _broker_down_until.get(broker, 0.0):
        return False
    try:
        with transaction.atomic():
            # The claim marks the row dispatched in one statement; it is rolled back unless
            # the broker takes the task, so a crash or a refusal leaves the row pending (sent
            # at least once, never lost). SKIP LOCKED: a row another process is handing over
            # is theirs. The task, its arguments and the row never change after enqueue, so
            # the copy in hand is what is published.
            claimable = OutboxMessage.objects.filter(
                pk=message.pk, dispatched_at__isnull=True
            ).select_for_update(skip_locked=True)
            if not OutboxMessage.objects.filter(pk__in=claimable.values("pk")).update(
                dispatched_at=timezone.now()
            ):
                return False
            try:
                current_app.tasks[message.task_name].apply_async(
                    args=message.args, kwargs=message.kwargs, retry=False
                )
            except BROKER_ERRORS as error:
                raise _NotHandedOver from error
    except _NotHandedOver as refusal:
        error = refusal.__cause__
        if broker:
            _broker_down_until[broker] = time.monotonic() + BROKER_RETRY_AFTER
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=F("attempts") + 1, last_error=f"{error.__class__.__name__}: {error}"[:1000]
        )
        logger.warning("outbox: broker unavailable, %s stays pending: %s", message, error)
        return False
    _broker_down_until.pop(broker, None)
    return True


def relay_pending(limit: int = 500) -> int:
    """Dispatch pending messages, oldest first. Returns how many were handed over."""
    pending = list(
        OutboxMessage.objects.filter(dispatched_at__isnull=True).order_by("created_at", "id")[
            :limit
        ]
    )
    return sum(dispatch(message) for message in pending)
