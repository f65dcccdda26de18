"""E-mail in the recipient's language: templates/emails/<name>.subject, .txt and .html.

`queue_email` renders the message now (in the caller's transaction) and delivers it through
the outbox after commit, so an e-mail is never sent for a change that was rolled back, never
lost while Redis is down, and never sent twice.

Once-only e-mails (an outcome notice, an objection receipt, a review reminder) carry a stable
`key`; the unique key is the one record that they went out. "Was it sent?" is asked here, of
`OutboundEmail` (`already_queued`, `queued_under`), never of another table or the audit trail.

`emails_suppressed()` is the one switch that turns this off, for building demo data through the
real services (`seed_demo`): inside it no outgoing e-mail is created, neither by `queue_email`
nor by the notice tasks queued with `enqueue_notice` (which would otherwise run later in a
Celery worker, outside the block). Nothing a person does passes through it.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import outbox
from .models import OutboundEmail, OutboxMessage

_suppressed: ContextVar[bool] = ContextVar("emails_suppressed", default=False)


@contextmanager
def emails_suppressed() -> Iterator[None]:
    """Create no outgoing e-mail inside this block (this thread or task only).

    For seeding demo data: the demo's addresses are fictitious, and a Celery worker would
    otherwise send every notice the seeding caused. Never wrap a person's action in it.
    """
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def enqueue_notice(task, *args) -> OutboxMessage | None:
    """Queue, through the outbox, a task whose only job is to send e-mail (a notice, a receipt).

    Inside `emails_suppressed()` nothing is queued: the task would run in a worker, where the
    switch does not reach.
    """
    if _suppressed.get():
        return None
    return outbox.enqueue(task, *args)


def render_email(name: str, context: dict, language: str) -> tuple[str, str, str]:
    """Render subject, text and html of an e-mail template in one language."""
    with translation.override(language):
        context = {**context, "LANGUAGE_CODE": language}
        subject = render_to_string(f"emails/{name}.subject", context).strip()
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    return " ".join(subject.split()), text, html


def queue_email(
    *, name: str, to: list[str], context: dict, language: str, key: str | None = None
) -> OutboundEmail | None:
    """Render an e-mail and deliver it after commit. With `key`, a second call is a no-op.

    Inside `emails_suppressed()` nothing is rendered or stored, and the answer is None.
    """
    from .tasks import deliver_email

    if _suppressed.get():
        return None
    subject, text, html = render_email(name, context, language)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                template=name,
                to=list(to),
                language=language,
                subject=subject[:300],
                text=text,
                html=html,
                key=key,
            )
            outbox.enqueue(deliver_email, email.pk)
    except IntegrityError:
        if key is None:
            raise
        return OutboundEmail.objects.get(key=key)
    return email


def already_queued(key: str) -> bool:
    """Whether the e-mail named `key` was queued (and so is sent, or will be, once)."""
    return OutboundEmail.objects.filter(key=key).exists()


def queued_among(keys: Iterable[str]) -> set[str]:
    """Which of `keys` name an e-mail already queued (one query, for a run over recipients)."""
    return set(OutboundEmail.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def queued_under(prefix: str) -> list[tuple[str, datetime]]:
    """Key and time queued of every keyed e-mail whose key starts with `prefix` (one query)."""
    return list(
        OutboundEmail.objects.filter(key__startswith=prefix)
        .order_by("created_at", "id")
        .values_list("key", "created_at")
    )


def deliver(email_id: int) -> bool:
    """Send one queued e-mail unless it was sent already. True if this call sent it."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(
            email.subject, email.text, settings.DEFAULT_FROM_EMAIL, email.to
        )
        if email.html:
            message.attach_alternative(email.html, "text/html")
        message.send()
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at", "attempts"])
    return True
