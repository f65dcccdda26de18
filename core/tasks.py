from celery import shared_task

from . import outbox


@shared_task
def relay_outbox() -> int:
    """Hand over tasks whose first dispatch failed (the broker was down)."""
    return outbox.relay_pending()
