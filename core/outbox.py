"""The transactional outbox: queue Celery tasks so that none is lost when Redis is down.

    outbox.enqueue(tasks.send_state_change_notice, change.pk)

inside the service's transaction. The row commits with the change; after commit we try to
hand it to the broker at once, and `relay_pending` (run by beat) retries whatever is left.
Handing over can happen twice (a crash between publishing and marking the row), so the tasks
queued this way must be idempotent; they are, by design of each task.
"""

import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# What a broker outage looks like from the publishing side.
BROKER_ERRORS = (OperationalError, RedisError, ConnectionError, TimeoutError, OSError)


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name=task.name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: dispatch(message.pk))
    return message


def dispatch(message_id: int) -> bool:
    """Hand one pending message to Celery. False if it was not pending or the broker is down."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, dispatched_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        try:
            current_app.tasks[message.task_name].apply_async(
                args=message.args, kwargs=message.kwargs, retry=False
            )
        except BROKER_ERRORS as error:
            message.attempts += 1
            message.last_error = f"{error.__class__.__name__}: {error}"[:1000]
            message.save(update_fields=["attempts", "last_error"])
            logger.warning("outbox: broker unavailable, %s stays pending: %s", message, error)
            return False
        message.dispatched_at = timezone.now()
        message.save(update_fields=["dispatched_at"])
        return True


def relay_pending(limit: int = 500) -> int:
    """Dispatch pending messages, oldest first. Returns how many were handed over."""
    pending = list(
        OutboxMessage.objects.filter(dispatched_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(dispatch(pk) for pk in pending)
