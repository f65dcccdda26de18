"""Background work of the final evaluation: thin and idempotent."""

from celery import shared_task

from . import services


@shared_task
def close_due_rounds() -> list[int]:
    """Close the rounds whose window has ended (run by Celery beat every minute)."""
    return services.close_due_rounds()
