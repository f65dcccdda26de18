import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # --check exits with status 1 (SystemExit) when a model change lacks its migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# --- Once-only e-mails: the marks that were dropped become keyed e-mails ---------------------

BEFORE_KEYS = [
    ("core", "0003_outbound_email"),
    ("review", "0005_bid_conflict_triggers"),
    ("voting", "0007_objection_file_size_sha256"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
def test_notices_receipts_and_reminders_sent_before_the_upgrade_are_not_sent_again(
    django_capture_on_commit_callbacks,
):
    from datetime import timedelta

    import time_machine
    from django.core import mail
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from core.models import AuditEvent, OutboundEmail
    from publication.tasks import send_objection_receipt, send_outcome_notice
    from scoring.services import send_scheduled_reminders
    from submissions.models import StageWindow
    from submissions.stages import Stage
    from tests.factories import NominationFactory, OrganisationFactory, UserFactory
    from tests.review.scoring_helpers import (
        CLOSES,
        assign,
        make_entry,
        make_expert,
        preliminary_edition,
    )
    from voting.models import Objection

    # Today's rows, made with today's models; the old marks are added in the old schema below.
    edition = preliminary_edition()
    organisation = OrganisationFactory()
    members = [
        UserFactory(organisation=organisation, preferred_language=language)
        for language in ("zh-hans", "en")
    ]
    winner = NominationFactory(edition=edition, organisation=organisation, state="winner")
    told, untold = (
        Objection.objects.create(
            edition=edition, name=name, email=f"{name}@example.org", reason="r"
        )
        for name in ("told", "untold")
    )
    reminded = make_expert(edition, name="Reminded", language="en")
    forgotten = make_expert(edition, name="Forgotten", language="en")
    entry = make_entry(edition)
    assign(reminded, entry)
    assign(forgotten, entry)
    sent_at = CLOSES - timedelta(days=7)

    window = StageWindow.objects.get(edition=edition, stage=Stage.PRELIMINARY)
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE_KEYS)
        old = executor.loader.project_state(BEFORE_KEYS).apps
        old.get_model("voting", "OutcomeNotice").objects.create(
            nomination_id=winner.pk, sent_at=sent_at, recipients=2
        )
        old.get_model("voting", "Objection").objects.filter(pk=told.pk).update(
            receipt_sent_at=sent_at
        )
        AuditEvent.objects.create(
            action="review.reminder_sent",
            object_type="review.expert",
            object_id=str(reminded.pk),
            details={"kind": "7_days", "closes_at": window.closes_at.isoformat()},
        )
    finally:
        # Back to today's schema whatever happened: the next tests need it.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    records = OutboundEmail.objects.filter(text="").order_by("key")
    assert [(e.key, e.to, e.sent_at) for e in records] == sorted(
        [
            (f"objection-receipt:{told.pk}", ["told@example.org"], sent_at),
            *((f"outcome:2030:{winner.pk}:{user.pk}", [user.email], sent_at) for user in members),
            (
                f"review-reminder:2030:{reminded.pk}:7_days:{window.closes_at.isoformat()}",
                [reminded.user.email],
                # The audit event's time: it was written now, not at `sent_at`.
                AuditEvent.objects.get(action="review.reminder_sent").occurred_at,
            ),
        ]
    )
    mail.outbox.clear()
    with (
        time_machine.travel(CLOSES - timedelta(days=6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = send_outcome_notice.run(winner.pk)
        receipts = [send_objection_receipt.run(told.pk), send_objection_receipt.run(untold.pk)]
        reminders = send_scheduled_reminders(edition=edition)

    assert (outcome, receipts, reminders) == (0, [0, 1], 1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["untold@example.org", forgotten.user.email]
    )
