"""Background work of submissions: thin, idempotent, retried."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from core.emails import queue_email


def notice_recipients(nomination) -> list:
    """Who hears about a nomination: its organisation's accounts, else whoever created it."""
    User = get_user_model()
    members = list(
        User.objects.filter(organisation_id=nomination.organisation_id, is_active=True).order_by(
            "pk"
        )
    )
    if members:
        return members
    creator = nomination.created_by
    return [creator] if creator is not None and creator.is_active else []


@shared_task
def send_state_change_notice(state_change_id: int) -> int:
    """E-mail the nominator about one state change, each recipient in their own language."""
    from .models import StateChange

    change = (
        StateChange.objects.select_related(
            "nomination__edition", "nomination__category", "nomination__organisation"
        )
        .filter(pk=state_change_id)
        .first()
    )
    if change is None:
        return 0
    sent = 0
    for user in notice_recipients(change.nomination):
        queue_email(
            name="nomination_state_changed",
            to=[user.email],
            context={
                "change": change,
                "nomination": change.nomination,
                "recipient": user,
                # Absolute links need the public address, when the deployment sets one.
                "portal_url": getattr(settings, "PORTAL_URL", ""),
            },
            language=user.preferred_language,
            # The outbox may run this task twice; the key keeps one e-mail per person.
            key=f"state-change:{change.pk}:{user.pk}",
        )
        sent += 1
    return sent


@shared_task
def check_storage_weekly() -> dict:
    """The weekly storage scrub (celery beat): re-read every stored file and tell the
    organisers what was found, each in their own language. Idempotent per day: a repeated run
    re-checks but e-mails once."""
    from django.utils import timezone

    from accounts.roles import ORGANISER
    from core.integrity import scrub_storage
    from core.storage import STORAGE_ERRORS

    try:
        report = scrub_storage().as_dict()
    except STORAGE_ERRORS:
        report = {"ok": False, "unreachable": True}
    User = get_user_model()
    organisers = User.objects.filter(groups__name=ORGANISER, is_active=True).order_by("pk")
    day = timezone.localdate().isoformat()
    for user in organisers:
        queue_email(
            name="storage_check",
            to=[user.email],
            context={"report": report, "recipient": user},
            language=user.preferred_language,
            key=f"storage-check:{day}:{user.pk}",
        )
    return report
