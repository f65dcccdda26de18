"""Once-only e-mails: a key makes `queue_email` a no-op the second time, and "was it sent?" is
answered from OutboundEmail (`already_queued`, `queued_under`)."""

import pytest
from django.core import mail

from core.emails import already_queued, queue_email, queued_under
from core.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _queue(key, to="a@example.org"):
    context = {"report": {"unreachable": True}}
    return queue_email(name="storage_check", to=[to], context=context, language="en", key=key)


def test_a_keyed_email_queued_twice_is_one_email_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _queue("test:1")
        second = _queue("test:1", to="someone-else@example.org")

    assert second.pk == first.pk
    assert list(OutboundEmail.objects.values_list("key", "to")) == [("test:1", ["a@example.org"])]
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_already_queued_answers_from_the_outbound_emails():
    before = already_queued("test:1")
    _queue("test:1")

    assert (before, already_queued("test:1"), already_queued("test:2")) == (False, True, False)


def test_queued_under_lists_the_keys_under_a_prefix_oldest_first():
    first = _queue("review-reminder:2030:7:7_days:x")
    second = _queue("review-reminder:2030:7:2_days:x")
    _queue("review-reminder:2031:7:7_days:x")
    _queue(None)

    assert queued_under("review-reminder:2030:") == [
        (first.key, first.created_at),
        (second.key, second.created_at),
    ]
