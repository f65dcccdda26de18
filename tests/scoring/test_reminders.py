"""Reminders of unfinished reviews: 7 and 2 days before the window closes, each once, in the
expert's language; the daily beat entry; nobody with finished reviews hears anything."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from core.models import OutboundEmail
from core.services import record_event
from scoring.services import send_reminder_now, send_scheduled_reminders
from scoring.tasks import send_review_reminders
from tests.factories import UserFactory
from tests.review.scoring_helpers import (
    CLOSES,
    assign,
    make_entry,
    make_expert,
    preliminary_edition,
    write_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    edition = preliminary_edition()
    chinese = make_expert(edition, name="Wang", language="zh-hans")
    english = make_expert(edition, name="Smith", language="en")
    finished = make_expert(edition, name="Done", language="en")
    entry = make_entry(edition)
    assign(chinese, entry)
    write_review(assign(english, entry), [5, 5], submitted=False)  # a draft is unfinished
    write_review(assign(finished, entry), [7, 7, 7, 7])
    mail.outbox.clear()
    return edition, chinese, english, entry


@pytest.fixture
def run_at(django_capture_on_commit_callbacks):
    """Run the scheduled reminders at a moment; e-mails go after commit, as in production."""

    def run(moment, edition):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return send_scheduled_reminders(edition=edition)

    return run


def test_nothing_is_sent_more_than_seven_days_before_the_close(committee, run_at):
    edition, *_ = committee

    sent = run_at(CLOSES - timedelta(days=8), edition)

    assert sent == 0
    assert mail.outbox == []


def test_each_reminder_goes_once_in_the_experts_language(committee, run_at):
    edition, chinese, english, entry = committee

    first = run_at(CLOSES - timedelta(days=7), edition)
    again = run_at(CLOSES - timedelta(days=6, hours=23), edition)
    second = run_at(CLOSES - timedelta(days=2), edition)
    last = run_at(CLOSES - timedelta(days=1), edition)

    assert (first, again, second, last) == (2, 0, 2, 0)
    by_recipient = {}
    for message in mail.outbox:
        by_recipient.setdefault(message.to[0], []).append(message)
    assert sorted(by_recipient) == sorted([chinese.user.email, english.user.email])
    assert all(len(messages) == 2 for messages in by_recipient.values())
    zh = by_recipient[chinese.user.email][0]
    en = by_recipient[english.user.email][0]
    assert "初评" in zh.subject
    assert "preliminary evaluation" in en.subject
    assert entry.code in zh.body and entry.title_zh in zh.body
    assert entry.title_en in en.body
    assert "/zh-hans/review/" in zh.body
    assert "/en/review/" in en.body


def test_a_missed_run_sends_only_the_nearest_reminder(committee, run_at):
    edition, *_ = committee

    sent = run_at(CLOSES - timedelta(days=1), edition)
    later = run_at(CLOSES - timedelta(hours=12), edition)

    assert (sent, later) == (2, 0)
    assert len(mail.outbox) == 2


def test_nothing_after_the_window_closes(committee, run_at):
    edition, *_ = committee

    assert run_at(CLOSES, edition) == 0


def test_the_daily_task_runs_for_the_current_edition(committee, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(CLOSES - timedelta(days=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = send_review_reminders.delay().get()

    assert sent == 2
    assert len(mail.outbox) == 2
    assert settings.CELERY_BEAT_SCHEDULE["review-reminders"]["task"] == (
        "review.send_review_reminders"
    )


def test_a_reminder_is_kept_once_by_its_e_mail_key(committee, run_at):
    edition, chinese, english, _entry = committee

    run_at(CLOSES - timedelta(days=7), edition)

    closes = CLOSES.isoformat()
    assert sorted(OutboundEmail.objects.values_list("key", flat=True)) == sorted(
        f"review-reminder:{edition.year}:{expert.pk}:7_days:{closes}"
        for expert in (chinese, english)
    )


def test_the_audit_trail_is_not_what_stops_a_reminder(committee, run_at):
    # The trail records reminders for people to read; only the keyed e-mail counts as sent.
    edition, chinese, english, _entry = committee
    for expert in (chinese, english):
        record_event(
            actor=None,
            action="review.reminder_sent",
            obj=expert,
            details={"kind": "7_days", "closes_at": CLOSES.isoformat()},
        )

    assert run_at(CLOSES - timedelta(days=7), edition) == 2


def test_each_organisers_reminder_goes(committee, django_capture_on_commit_callbacks):
    edition, chinese, _english, _entry = committee
    organiser = UserFactory(roles=["organiser"])

    for minutes in (0, 1):
        with (
            time_machine.travel(CLOSES - timedelta(days=10, minutes=-minutes), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            send_reminder_now(edition=edition, actor=organiser, experts=[chinese])

    assert [m.to for m in mail.outbox] == [[chinese.user.email]] * 2


def test_a_run_asks_once_which_reminders_went_however_many_experts(run_at):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    edition = preliminary_edition()
    entry = make_entry(edition)
    seven_days_before = CLOSES - timedelta(days=7)

    def rerun_queries() -> int:
        # A run after one that sent everything.
        with CaptureQueriesContext(connection) as queries:
            assert run_at(seven_days_before, edition) == 0
        return len(queries)

    assign(make_expert(edition, name="Expert 0", language="en"), entry)
    assert run_at(seven_days_before, edition) == 1
    alone = rerun_queries()
    for number in range(1, 6):
        assign(make_expert(edition, name=f"Expert {number}", language="en"), entry)
    assert run_at(seven_days_before, edition) == 5

    assert rerun_queries() == alone
