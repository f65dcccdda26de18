"""Celery tasks of the scoring (imported through CELERY_IMPORTS). Thin and idempotent."""

from celery import shared_task

from submissions.models import Edition

from .services import send_scheduled_reminders


@shared_task(name="review.send_review_reminders", acks_late=True, max_retries=3)
def send_review_reminders() -> int:
    """Daily: remind experts of unfinished reviews 7 and 2 days before the window closes.
    Running it twice a day, or again after a failure, sends nothing twice."""
    edition = Edition.objects.current()
    if edition is None:
        return 0
    return send_scheduled_reminders(edition=edition)
