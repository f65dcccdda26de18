"""E-mails of the notice and the publication. Thin and idempotent: queued through the outbox,
which may hand a task over twice, so each e-mail carries a stable key (core.emails) and a second
run queues nothing more."""

from celery import shared_task
from django.conf import settings

from core.emails import already_queued, queue_email, queued_among


def objection_receipt_key(objection) -> str:
    return f"objection-receipt:{objection.pk}"


def outcome_key(nomination, recipient) -> str:
    return f"outcome:{nomination.edition.year}:{nomination.pk}:{recipient.pk}"


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

    objection = (
        Objection.objects.select_related("edition", "nomination").filter(pk=objection_id).first()
    )
    if objection is None or already_queued(objection_receipt_key(objection)):
        return 0
    queue_email(
        name="objection_received",
        to=[objection.email],
        context={"objection": objection, "portal_url": getattr(settings, "PORTAL_URL", "")},
        language=objection.language,
        key=objection_receipt_key(objection),
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
    """Tell the nominator the outcome of a published nomination, each in their own language.
    Returns how many e-mails this run queued (none when they were queued before)."""
    from submissions.models import Nomination
    from submissions.states import NominationState
    from submissions.tasks import notice_recipients

    nomination = (
        Nomination.objects.select_related("edition", "category", "organisation", "created_by")
        .filter(pk=nomination_id, state__in=[NominationState.WINNER, NominationState.NOT_SELECTED])
        .first()
    )
    if nomination is None:
        return 0
    queued = 0
    recipients = notice_recipients(nomination)
    sent_before = queued_among(outcome_key(nomination, user) for user in recipients)
    for user in recipients:
        key = outcome_key(nomination, user)
        if key in sent_before:
            continue
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
            key=key,
        )
        queued += 1
    return queued


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
