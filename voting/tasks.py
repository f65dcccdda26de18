"""Background work of the final evaluation: thin and idempotent."""

from celery import shared_task

from . import services
from .publication_tasks import send_objection_receipt, send_outcome_notice  # noqa: F401 (registered)


@shared_task
def close_due_rounds() -> list[int]:
    """Close the rounds whose window has ended (run by Celery beat every minute)."""
    return services.close_due_rounds()
