"""Fault: Redis (broker and cache) is down while a nomination is submitted.

The submission is saved and the nominator sees success; the confirmation e-mail waits in the
outbox and goes out exactly once, through a real Celery worker, after Redis is back.
"""

import time

import pytest
from django.test import override_settings

from core import outbox
from core.models import OutboundEmail, OutboxMessage
from submissions.states import NominationState
from tests.submissions.conftest import url

from .conftest import celery_publishing_to
from .processes import FAULTS_ONE_AT_A_TIME, shared_database_url, wait_for

pytestmark = [pytest.mark.faults, FAULTS_ONE_AT_A_TIME, pytest.mark.django_db(transaction=True)]


def resilient_cache_at(redis_url: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


@pytest.mark.parametrize("fault", ["stopped", "frozen"])
def test_a_submission_while_redis_is_down_is_kept_and_confirmed_once_redis_is_back(
    client, complete_nomination, nominator, colleague, redis_server, smtp_sink, celery_worker, fault
):
    # Arrange: the web process publishes to, and caches in, a Redis of this test's own
    # (sessions as in production: cached, written through to the database).
    with (
        celery_publishing_to(redis_server.url),
        override_settings(
            CACHES=resilient_cache_at(redis_server.url),
            SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        ),
    ):
        client.force_login(nominator)
        if fault == "stopped":
            redis_server.stop()  # connections are refused at once
        else:
            redis_server.freeze()  # connections hang until the client's timeout

        # Act 1: the nominator submits through the real page while Redis is down.
        started = time.monotonic()
        response = client.post(
            url("submissions:nomination_submit", "en", code=complete_nomination.code),
            follow=True,
        )
        took = time.monotonic() - started

        # Assert 1: success for the user, the submission saved, the notice waiting.
        assert response.redirect_chain == [
            (url("submissions:nomination_detail", "en", code=complete_nomination.code), 302)
        ]
        assert (
            f"Nomination {complete_nomination.code} is submitted. "
            "We have sent you a confirmation by e-mail."
        ) in response.content.decode()
        assert took < 10, f"the submit waited {took:.1f} s on the missing Redis"
        # Once a request has found Redis down, the next ones do not wait for it again.
        started = time.monotonic()
        page = client.get(url("submissions:nomination_list", "en"))
        assert (page.status_code, complete_nomination.code in page.content.decode()) == (200, True)
        assert time.monotonic() - started < 1.5
        complete_nomination.refresh_from_db()
        assert complete_nomination.state == NominationState.SUBMITTED
        pending = list(OutboxMessage.objects.filter(dispatched_at__isnull=True))
        assert [message.task_name for message in pending] == [
            "submissions.tasks.send_state_change_notice"
        ]
        assert pending[0].attempts == 1
        assert OutboundEmail.objects.count() == 0

        # Act 2: Redis comes back on the same port; a real worker runs; the relay (beat's
        # core.tasks.relay_outbox, called here rather than waiting 30 s) hands the task over.
        if fault == "stopped":
            redis_server.start()
        else:
            redis_server.thaw()
        worker = celery_worker(
            DATABASE_URL=shared_database_url(),
            REDIS_URL=redis_server.url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_sink.port),
            EMAIL_USE_TLS="0",
        )
        try:
            assert outbox.relay_pending() == 1
            wait_for(
                lambda: OutboundEmail.objects.filter(sent_at__isnull=False).count() == 2,
                timeout=20,
                what="both confirmation e-mails to be delivered",
            )
            # A second relay finds nothing left, so nothing is sent again.
            assert outbox.relay_pending() == 0
        finally:
            worker.stop()  # a warm shutdown: whatever the worker had taken, it finished

    # Assert 2: each member of the organisation got the confirmation once, in their language.
    emails = {email.to[0]: email for email in OutboundEmail.objects.all()}
    assert sorted(emails) == sorted([nominator.email, colleague.email])
    for user in (nominator, colleague):
        received = smtp_sink.received_by(user.email)
        assert len(received) == 1, worker.output()
        assert str(received[0]["Subject"]) == emails[user.email].subject
        assert emails[user.email].language == user.preferred_language
    assert complete_nomination.code in emails[colleague.email].subject
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
