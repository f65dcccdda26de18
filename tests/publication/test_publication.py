"""The notice and the publication services: opening the notice, proposed winners, resolution
and removal, publication through `transition`, outcome e-mails once in each language, the open
data (results JSON/CSV) and what nominators see before and after."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail, OutboxMessage
from publication import services as publication
from publication.tasks import send_outcome_notice
from submissions.models import Nomination, StateChange
from tests.voting.conftest import url
from tests.voting.publication_fixtures import *  # noqa: F403
from tests.voting.publication_fixtures import make_certified, publish
from voting import runoffs
from voting.models import Objection

pytestmark = pytest.mark.django_db


def states(codes):
    return dict(Nomination.objects.filter(code__in=codes).values_list("code", "state"))


# --- The notice -----------------------------------------------------------------------------


def test_notice_cannot_open_before_every_category_is_certified(edition, organiser):
    make_certified(edition, organiser)
    from voting.models import BallotRound

    BallotRound.objects.filter(category__code="innovative").update(state="closed")

    with pytest.raises(publication.PublicationError) as error:
        publication.open_notice(edition=edition, actor=organiser)

    assert "certified" in error.value.message
    assert publication.publication_of(edition) is None


def test_open_notice_defaults_to_thirty_days_and_records_the_proposed_winners(
    edition, organiser, certified
):
    before = timezone.now()

    pub = publication.open_notice(edition=edition, actor=organiser)

    assert pub.notice_closes_at - pub.notice_opens_at == timedelta(days=30)
    assert pub.notice_opens_at >= before
    event = AuditEvent.objects.get(action="voting.notice_opened")
    assert event.details["proposed"] == {
        "cutting_edge": ["2031-CE-001", "2031-CE-002"],
        "innovative": ["2031-IN-001"],
    }


def test_notice_window_of_the_edition_sets_the_close(edition, organiser, certified):
    from tests.factories import StageWindowFactory

    closes = timezone.now() + timedelta(days=12)
    StageWindowFactory(
        edition=edition,
        stage="notice",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=closes,
    )

    pub = publication.open_notice(edition=edition, actor=organiser)

    assert pub.notice_closes_at == closes


def test_proposed_results_list_winners_and_other_finalists(edition, notice):
    results = publication.proposed_results(edition, notice)

    assert [
        (r.category.code, [n.code for n in r.winners], [n.code for n in r.finalists])
        for r in results
    ] == [
        ("cutting_edge", ["2031-CE-001", "2031-CE-002"], ["2031-CE-003"]),
        ("innovative", ["2031-IN-001"], ["2031-IN-002"]),
    ]


# --- Publication ----------------------------------------------------------------------------


def test_publish_refused_while_the_notice_runs(edition, organiser, notice):
    with pytest.raises(publication.PublicationError) as error:
        publication.publish(edition=edition, actor=organiser)

    assert error.value.message == "The public notice has not ended yet."
    assert set(states(["2031-CE-001"]).values()) == {"finalist"}


def test_publish_refused_while_an_objection_is_pending(edition, organiser, notice_over):
    Objection.objects.create(edition=edition, name="A", email="a@example.org", reason="r")

    with pytest.raises(publication.PublicationError) as error:
        publication.publish(edition=edition, actor=organiser)

    assert error.value.message == "Resolve every objection before publishing."


def test_publish_moves_finalists_through_transition(edition, organiser, published):
    assert states(["2031-CE-001", "2031-CE-002", "2031-CE-003", "2031-IN-001", "2031-IN-002"]) == {
        "2031-CE-001": "winner",
        "2031-CE-002": "winner",
        "2031-CE-003": "not_selected",
        "2031-IN-001": "winner",
        "2031-IN-002": "not_selected",
    }
    # Through the one write path: a timeline entry and an audit event per nomination.
    assert StateChange.objects.filter(to_state__in=["winner", "not_selected"]).count() == 5
    assert AuditEvent.objects.filter(action="nomination.state_changed").count() >= 5
    assert AuditEvent.objects.filter(action="voting.results_published").count() == 1
    assert published.published_by == organiser


def test_publish_twice_is_refused(edition, organiser, published):
    with pytest.raises(publication.PublicationError) as error:
        publication.publish(edition=edition, actor=organiser)

    assert error.value.message == "The results of this edition are already published."


def test_outcome_emails_once_each_in_the_recipients_language(
    edition, organiser, notice_over, django_capture_on_commit_callbacks
):
    publish(edition, organiser, django_capture_on_commit_callbacks)

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 5  # one per nominator; the state-change notice stays silent
    winner_en = Nomination.objects.get(code="2031-CE-001")  # odd numbers: English readers
    loser_zh = Nomination.objects.get(code="2031-IN-002")  # even numbers: Chinese readers
    en_mail = by_recipient[winner_en.organisation.members.get().email]
    zh_mail = by_recipient[loser_zh.organisation.members.get().email]
    assert en_mail.subject == "WNEVC 2031: your nomination 2031-CE-001 is selected"
    assert "has been selected as one of the 2031" in en_mail.body
    assert "/en/results/2031/certificates/2031-CE-001.pdf" in en_mail.body
    assert zh_mail.subject == "世界新能源汽车大会2031年技术评选：申报项目 2031-IN-002 评选结果"
    assert "进入终评，但未入选" in zh_mail.body
    assert "世界新能源汽车大会科技委员会提名技术" in zh_mail.body


def test_outcome_email_task_run_again_sends_nothing_more(edition, organiser, published):
    sent_before = len(mail.outbox)
    messages = OutboxMessage.objects.filter(task_name=send_outcome_notice.name)

    # The outbox may hand a task over twice: run every one of them again.
    again = [send_outcome_notice.run(*m.args) for m in messages]

    assert again == [0] * 5
    assert len(mail.outbox) == sent_before == 5
    keyed = OutboundEmail.objects.filter(key__startswith="outcome:2031:")
    assert sorted(keyed.values_list("template", flat=True)) == ["nomination_outcome"] * 5


def test_a_rerun_asks_once_which_outcome_emails_went_however_many_recipients(
    edition, organiser, published
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    nomination_id = OutboxMessage.objects.filter(task_name=send_outcome_notice.name)[0].args[0]

    def rerun_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert send_outcome_notice.run(nomination_id) == 0
        return len(queries)

    alone = rerun_queries()
    organisation = Nomination.objects.get(pk=nomination_id).organisation
    UserFactory.create_batch(4, organisation=organisation)
    assert send_outcome_notice.run(nomination_id) == 4  # the four new members' e-mails

    assert rerun_queries() == alone


# --- Objections and removal -----------------------------------------------------------------


def test_resolution_is_recorded_with_its_audit_event(edition, organiser, notice):
    objection = publication.file_objection(
        edition=edition, name="Zhang San", email="z@example.org", reason="Data copied."
    )

    resolved = publication.resolve_objection(
        objection=objection, actor=organiser, upheld=False, reasoning="The data are original."
    )

    assert (resolved.state, resolved.resolution, resolved.resolved_by) == (
        "dismissed",
        "The data are original.",
        organiser,
    )
    event = AuditEvent.objects.get(action="voting.objection_resolved")
    assert event.details == {
        "from": "pending",
        "to": "dismissed",
        "reasoning": "The data are original.",
    }
    assert event.actor == organiser


def test_resolution_needs_reasoning(edition, organiser, notice):
    objection = publication.file_objection(
        edition=edition, name="Zhang San", email="z@example.org", reason="r"
    )

    with pytest.raises(publication.PublicationError):
        publication.resolve_objection(
            objection=objection, actor=organiser, upheld=True, reasoning=" "
        )

    objection.refresh_from_db()
    assert objection.state == "pending"


def test_upheld_objection_removes_a_proposed_winner_who_is_then_not_selected(
    edition, organiser, notice, django_capture_on_commit_callbacks
):
    target = Nomination.objects.get(code="2031-CE-002")
    objection = publication.file_objection(
        edition=edition, nomination=target, name="Li Si", email="l@example.org", reason="IP dispute"
    )
    publication.resolve_objection(
        objection=objection, actor=organiser, upheld=True, reasoning="Proven."
    )

    publication.remove_proposed_winner(objection=objection, actor=organiser)
    runoffs.decide_freed_places(
        category=target.category, actor=organiser, decision="vacant", reason="No time left."
    )
    notice.refresh_from_db()
    notice.notice_closes_at = timezone.now() - timedelta(seconds=1)
    notice.notice_opens_at = timezone.now() - timedelta(days=30)
    notice.save()
    publish(edition, organiser, django_capture_on_commit_callbacks)

    assert notice.removed == ["2031-CE-002"]
    assert AuditEvent.objects.get(action="voting.proposed_winner_removed").details == {
        "nomination": "2031-CE-002",
        "objection": objection.reference,
        "reasons": "Proven.",
    }
    assert states(["2031-CE-001", "2031-CE-002"]) == {
        "2031-CE-001": "winner",
        "2031-CE-002": "not_selected",
    }


def test_a_dismissed_objection_cannot_remove_a_winner(edition, organiser, notice):
    target = Nomination.objects.get(code="2031-CE-001")
    objection = publication.file_objection(
        edition=edition, nomination=target, name="Li Si", email="l@example.org", reason="r"
    )
    publication.resolve_objection(
        objection=objection, actor=organiser, upheld=False, reasoning="No."
    )

    with pytest.raises(publication.PublicationError):
        publication.remove_proposed_winner(objection=objection, actor=organiser)

    notice.refresh_from_db()
    assert notice.removed == []


def test_objections_close_at_the_end_of_the_notice(edition, notice_over):
    with pytest.raises(publication.PublicationError) as error:
        publication.file_objection(edition=edition, name="A", email="a@example.org", reason="r")

    assert error.value.message == "Objections are accepted only while the public notice runs."
    assert Objection.objects.count() == 0


# --- Nominators see the outcome only once published -------------------------------------------


def _nominator_detail(client, code):
    nomination = Nomination.objects.get(code=code)
    client.force_login(nomination.organisation.members.get())
    return client.get(url("submissions:nomination_detail", "en", code=code))


def test_nominator_sees_finalist_during_the_notice_and_the_outcome_after(
    client, edition, organiser, notice_over, django_capture_on_commit_callbacks
):
    before = _nominator_detail(client, "2031-CE-003").content.decode()
    publish(edition, organiser, django_capture_on_commit_callbacks)
    after = _nominator_detail(client, "2031-CE-003").content.decode()

    assert "Finalist" in before
    assert "Not selected" not in before and "Winner" not in before
    assert "Not selected" in after
