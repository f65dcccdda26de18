"""Fault: a Celery worker is killed (SIGKILL) in the middle of delivering an e-mail.

Tasks are acknowledged late, so the message a dead worker had taken goes back to the queue
(after CELERY_VISIBILITY_TIMEOUT) and another worker runs it; core.emails.deliver locks the
e-mail's row and sends only while `sent_at` is empty, so the e-mail goes out once.
"""

import re

import pytest

from core.emails import queue_email
from core.models import OutboundEmail
from core.tasks import deliver_email
from tests.factories import StateChangeFactory

from .conftest import celery_publishing_to
from .processes import FAULTS_ONE_AT_A_TIME, CeleryWorker, shared_database_url, wait_for

pytestmark = [pytest.mark.faults, FAULTS_ONE_AT_A_TIME, pytest.mark.django_db(transaction=True)]


def received_ids(worker: CeleryWorker) -> list[str]:
    return re.findall(r"Task core\.tasks\.deliver_email\[([0-9a-f-]+)\] received", worker.output())


def test_an_email_whose_worker_was_killed_mid_send_is_sent_once_by_the_next_worker(
    complete_nomination, nominator, redis_server, smtp_sink, celery_worker
):
    # Arrange: an e-mail queued the way every notice is, published to a private Redis; the
    # SMTP server takes the message and never answers, so the worker is stuck mid-send.
    smtp_sink.stall = True
    change = StateChangeFactory(
        nomination=complete_nomination, from_state="draft", to_state="submitted"
    )
    with celery_publishing_to(redis_server.url):
        queued = queue_email(
            name="nomination_state_changed",
            to=[nominator.email],
            context={"change": change, "nomination": complete_nomination, "recipient": nominator},
            language="en",
        )
        variables = {
            "DATABASE_URL": shared_database_url(),
            "REDIS_URL": redis_server.url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_sink.port),
            "EMAIL_USE_TLS": "0",
        }
        first = celery_worker(**variables)
        assert smtp_sink.stalling.wait(20), first.output()
        queued.refresh_from_db()
        assert queued.sent_at is None

        # Act: the worker dies with the task in hand; the SMTP server recovers; a new worker
        # starts (with a short visibility timeout, so the test need not wait an hour).
        first.kill()
        smtp_sink.stall = False
        second = celery_worker(
            CELERY_VISIBILITY_TIMEOUT="1", CELERY_RESTORE_INTERVAL="1", **variables
        )
        try:
            wait_for(
                lambda: OutboundEmail.objects.filter(pk=queued.pk, sent_at__isnull=False).exists(),
                timeout=20,
                what="the e-mail to be delivered by the second worker",
            )
            # The same task handed over once more (as a redelivery would) sends nothing.
            deliver_email.delay(queued.pk)
            wait_for(
                lambda: second.output().count("succeeded in") == 2,
                timeout=15,
                what="the repeated task to finish",
            )
        finally:
            second.stop()

    # Assert: the second worker ran the very task the first one lost; one e-mail reached the
    # server, out of two attempts to send it.
    assert received_ids(first) == received_ids(second)[:1]
    assert "succeeded in" not in first.output()
    assert re.search(r"deliver_email\[[0-9a-f-]+\] succeeded in [0-9.]+s: False", second.output())
    queued.refresh_from_db()
    assert queued.sent_at is not None
    received = smtp_sink.received_by(nominator.email)
    assert [str(message["Subject"]) for message in received] == [queued.subject]
    assert smtp_sink.data_commands == 2
