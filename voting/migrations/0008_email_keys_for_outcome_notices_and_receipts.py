"""Outcome notices and objection receipts become keyed e-mails (core.emails.queue_email with
`key`). Before `OutcomeNotice` and `Objection.receipt_sent_at` are dropped (0009), each notice or
receipt they record as sent gets the `OutboundEmail` row under the key the tasks now use,
marked sent, so nothing is sent again after the upgrade. These rows are records only: their
text is empty and delivery skips them (`sent_at` is set). The e-mails themselves were queued
before, without a key, and stay where they are.

The keys are those of `publication.tasks` (`outcome_key`, `objection_receipt_key`). An outcome
notice went to the nomination's recipients (`submissions.tasks.notice_recipients`: the
organisation's active accounts, else its active creator); the same rule, applied here, names the
people a re-run would write to.
"""

from django.db import migrations

RECORD_SUBJECT = "(sent before e-mails had keys; recorded by migration voting.0008)"


def _record_sent(OutboundEmail, *, key, template, to, language, sent_at) -> bool:
    if OutboundEmail.objects.filter(key=key).exists():
        return False
    email = OutboundEmail.objects.create(
        template=template,
        to=[to],
        language=language,
        subject=RECORD_SUBJECT,
        text="",
        html="",
        key=key,
        sent_at=sent_at,
    )
    # created_at is set on insert; it is when the e-mail went out, as for a queued one.
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=sent_at)
    return True


def _recipients(User, nomination):
    members = list(
        User.objects.filter(organisation_id=nomination.organisation_id, is_active=True).order_by(
            "pk"
        )
    )
    if members:
        return members
    creator = nomination.created_by
    return [creator] if creator is not None and creator.is_active else []


def record_sent_notices_and_receipts(apps, schema_editor):
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    OutcomeNotice = apps.get_model("voting", "OutcomeNotice")
    Objection = apps.get_model("voting", "Objection")
    User = apps.get_model("accounts", "User")
    for notice in OutcomeNotice.objects.select_related(
        "nomination__edition", "nomination__created_by"
    ).order_by("pk"):
        nomination = notice.nomination
        for user in _recipients(User, nomination):
            _record_sent(
                OutboundEmail,
                key=f"outcome:{nomination.edition.year}:{nomination.pk}:{user.pk}",
                template="nomination_outcome",
                to=user.email,
                language=user.preferred_language,
                sent_at=notice.sent_at,
            )
    for objection in Objection.objects.filter(receipt_sent_at__isnull=False).order_by("pk"):
        _record_sent(
            OutboundEmail,
            key=f"objection-receipt:{objection.pk}",
            template="objection_received",
            to=objection.email,
            language=objection.language,
            sent_at=objection.receipt_sent_at,
        )


def restore_notices_and_receipts(apps, schema_editor):
    """Backwards (after 0009 is undone): the marks again, from the keyed e-mails."""
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    OutcomeNotice = apps.get_model("voting", "OutcomeNotice")
    Objection = apps.get_model("voting", "Objection")
    Nomination = apps.get_model("submissions", "Nomination")
    by_nomination: dict[int, list] = {}
    for key, sent_at, created_at in OutboundEmail.objects.filter(
        key__startswith="outcome:"
    ).values_list("key", "sent_at", "created_at"):
        nomination_id = int(key.split(":")[2])
        by_nomination.setdefault(nomination_id, []).append(sent_at or created_at)
    existing = set(Nomination.objects.filter(pk__in=by_nomination).values_list("pk", flat=True))
    for nomination_id, times in by_nomination.items():
        if nomination_id in existing:
            OutcomeNotice.objects.get_or_create(
                nomination_id=nomination_id,
                defaults={"sent_at": min(times), "recipients": len(times)},
            )
    for key, sent_at, created_at in OutboundEmail.objects.filter(
        key__startswith="objection-receipt:"
    ).values_list("key", "sent_at", "created_at"):
        Objection.objects.filter(pk=int(key.split(":")[1]), receipt_sent_at__isnull=True).update(
            receipt_sent_at=sent_at or created_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0003_outbound_email"),
        ("voting", "0007_objection_file_size_sha256"),
    ]

    operations = [
        migrations.RunPython(record_sent_notices_and_receipts, restore_notices_and_receipts),
    ]
