"""Review reminders become keyed e-mails (scoring.services.reminder_key): whether a reminder
went out, and when an expert was last reminded, are read from `OutboundEmail`, no longer from
the audit trail. Each reminder the trail records (`review.reminder_sent`) gets the keyed row it
would have had, marked sent, so no reminder is sent again after the upgrade and the progress
page keeps each expert's last reminder. These rows are records only (empty text; delivery skips
them); the e-mails themselves were queued before, without a key.

Keys: `review-reminder:<year>:<expert>:<kind>:<window closes at, ISO>` for the scheduled ones,
`review-reminder:<year>:<expert>:on_demand:<when, ISO>` for an organiser's.
"""

from django.db import migrations

RECORD_SUBJECT = "(sent before e-mails had keys; recorded by migration review.0006)"


def record_sent_reminders(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    Expert = apps.get_model("review", "Expert")
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    events = list(
        AuditEvent.objects.filter(action="review.reminder_sent", object_type="review.expert")
        .order_by("occurred_at", "pk")
        .values_list("object_id", "details", "occurred_at")
    )
    experts = {
        str(expert.pk): expert
        for expert in Expert.objects.filter(
            pk__in={int(object_id) for object_id, _d, _o in events if object_id.isdigit()}
        ).select_related("edition", "user")
    }
    for object_id, details, occurred_at in events:
        expert = experts.get(object_id)
        kind = (details or {}).get("kind")
        if expert is None or not kind:
            continue
        prefix = f"review-reminder:{expert.edition.year}:{expert.pk}:"
        if kind == "on_demand":
            key = f"{prefix}on_demand:{occurred_at.isoformat()}"
        else:
            key = f"{prefix}{kind}:{details.get('closes_at')}"
        if OutboundEmail.objects.filter(key=key).exists():
            continue
        email = OutboundEmail.objects.create(
            template="review_reminder",
            to=[expert.user.email],
            language=expert.user.preferred_language,
            subject=RECORD_SUBJECT,
            text="",
            html="",
            key=key,
            sent_at=occurred_at,
        )
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=occurred_at)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbound_email"),
        ("review", "0005_bid_conflict_triggers"),
    ]

    operations = [
        migrations.RunPython(record_sent_reminders, migrations.RunPython.noop),
    ]
