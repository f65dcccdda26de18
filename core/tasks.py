import smtplib

from celery import shared_task

from . import emails, outbox


@shared_task
def relay_outbox() -> int:
    """Hand over tasks whose first dispatch failed (the broker was down)."""
    return outbox.relay_pending()


@shared_task(autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, max_retries=8)
def deliver_email(email_id: int) -> bool:
    """Idempotent: a repeated or retried delivery of the same e-mail sends nothing."""
    return emails.deliver(email_id)
