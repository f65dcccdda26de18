"""E-mails of the notice and the publication. Thin and idempotent: queued through the outbox,
which may hand a task over twice, so each marks what it sent in the same transaction."""

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.emails import queue_email


# Named as before the move to this app: outbox rows and workers know tasks by name.
@shared_task(
    bind=True,
    name="voting.publication_tasks.send_objection_receipt",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_objection_receipt(self, objection_id: int) -> int:
    """Tell the objector we received the objection, in the language of the page they used."""
    from voting.models import Objection

    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("edition", "nomination")
            .filter(pk=objection_id, receipt_sent_at__isnull=True)
            .order_by()
            .first()
        )
        if objection is None:
            return 0
        objection.receipt_sent_at = timezone.now()
        objection.save(update_fields=["receipt_sent_at"])
        # Sent inside the transaction: if sending fails, the mark rolls back and a retry sends.
        queue_email(
            name="objection_received",
            to=[objection.email],
            context={"objection": objection, "portal_url": getattr(settings, "PORTAL_URL", "")},
            language=objection.language,
        )
    return 1


@shared_task(
    bind=True,
    name="voting.publication_tasks.send_outcome_notice",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_outcome_notice(self, nomination_id: int) -> int:
    """Tell the nominator the outcome of a published nomination, each in their own language."""
    from submissions.models import Nomination
    from submissions.states import NominationState
    from submissions.tasks import notice_recipients
    from voting.models import OutcomeNotice

    nomination = (
        Nomination.objects.select_related("edition", "category", "organisation", "created_by")
        .filter(pk=nomination_id, state__in=[NominationState.WINNER, NominationState.NOT_SELECTED])
        .first()
    )
    if nomination is None:
        return 0
    try:
        with transaction.atomic():
            recipients = notice_recipients(nomination)
            OutcomeNotice.objects.create(
                nomination=nomination, sent_at=timezone.now(), recipients=len(recipients)
            )
            for user in recipients:
                queue_email(
                    name="nomination_outcome",
                    to=[user.email],
                    context={
                        "nomination": nomination,
                        "recipient": user,
                        "is_winner": nomination.state == NominationState.WINNER,
                        "portal_url": getattr(settings, "PORTAL_URL", ""),
                    },
                    language=user.preferred_language,
                )
    except IntegrityError:
        return 0  # already sent
    return len(recipients)


@shared_task(name="publication.tasks.render_public_documents")
def render_public_documents(edition_id: int) -> int:
    """Render and store the public PDFs of a published edition (queued by `publish`). Running
    it twice renders them twice, with the same content: harmless."""
    from submissions.models import Edition

    from .documents import render_published

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    return len(render_published(edition))


@shared_task(name="publication.tasks.purge_held_uploads")
def purge_held_uploads() -> int:
    """Delete the files held for objection forms whose time is up (run by beat)."""
    from .held_uploads import purge_expired

    return purge_expired()
