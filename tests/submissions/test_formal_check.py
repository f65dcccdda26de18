"""The formal check: checklist, decisions and their e-mails, bulk decisions, queue, exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.models import AuditEvent
from submissions import formal_check
from submissions.formal_check import Decision, FormalCheckError, QueueFilters
from submissions.models import Attachment, FormalCheck, Nomination
from submissions.services import transition
from submissions.states import Channel, NominationState
from tests.factories import NominationFactory, OrganisationFactory, UserFactory

from .conftest import complete

pytestmark = pytest.mark.django_db
S = NominationState


def submitted(nomination, nominator):
    """Submit through the real service, as the nominator would."""
    return transition(nomination=nomination, to_state=S.SUBMITTED, actor=nominator)


@pytest.fixture
def awaiting(complete_nomination, nominator):
    return submitted(complete_nomination, nominator)


def state_label(language: str, state: str) -> str:
    with translation.override(language):
        return str(NominationState(state).label)


# --- checklist ------------------------------------------------------------------------------


def test_checklist_is_prefilled_true_for_a_complete_fitting_nomination(awaiting):
    nomination = Nomination.objects.get(pk=awaiting.pk)

    checklist = formal_check.prefilled_checklist(nomination)

    assert checklist == {
        "materials_complete": True,
        "stamped_form": True,
        "category_fits": True,
        "declarations_made": True,
    }


def test_checklist_shows_a_missing_stamped_form_and_a_maturity_misfit(awaiting):
    Attachment.objects.filter(nomination=awaiting, kind=Attachment.Kind.RECOMMENDATION_FORM).update(
        is_current=False
    )
    Nomination.objects.filter(pk=awaiting.pk).update(trl=9, application_status="mass_production")
    nomination = Nomination.objects.get(pk=awaiting.pk)

    checklist = formal_check.prefilled_checklist(nomination)

    assert checklist == {
        "materials_complete": False,
        "stamped_form": False,
        "category_fits": False,
        "declarations_made": True,
    }


# --- decisions ------------------------------------------------------------------------------


def test_eligible_decision_moves_state_records_check_and_audit(
    awaiting, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        check = formal_check.decide(
            nomination=awaiting,
            decision=Decision.ELIGIBLE,
            actor=organiser,
            checklist={"materials_complete": True, "stamped_form": True},
        )

    awaiting.refresh_from_db()
    assert awaiting.state == S.ELIGIBLE
    assert check.decided_by == organiser
    assert check.checklist == {
        "materials_complete": True,
        "stamped_form": True,
        "category_fits": False,
        "declarations_made": False,
    }
    events = list(
        AuditEvent.objects.filter(object_id=str(awaiting.pk))
        .filter(action__in=["nomination.formal_check", "nomination.state_changed"])
        .order_by("id")
        .values_list("action", "actor_id", "details__to", "details__decision")
    )
    assert events[-2:] == [
        ("nomination.state_changed", organiser.pk, "eligible", None),
        ("nomination.formal_check", organiser.pk, None, "eligible"),
    ]


def test_returned_decision_mails_reason_and_deadline_in_each_recipients_language(
    awaiting, organiser, colleague, django_capture_on_commit_callbacks
):
    # The nominator reads Chinese, the colleague English (fixtures).
    deadline = timezone.now() + timedelta(days=7)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        formal_check.decide(
            nomination=awaiting,
            decision=Decision.RETURNED,
            actor=organiser,
            reason="推荐表未盖章 / The form is not stamped",
            correction_deadline=deadline,
        )

    awaiting.refresh_from_db()
    assert awaiting.state == S.RETURNED
    assert awaiting.correction_deadline == deadline
    assert awaiting.return_reasons == "推荐表未盖章 / The form is not stamped"
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == sorted([awaiting.created_by.email, colleague.email])
    chinese = by_recipient[awaiting.created_by.email]
    english = by_recipient[colleague.email]
    assert state_label("zh-hans", "returned") in chinese.subject
    assert state_label("en", "returned") in english.subject
    assert state_label("zh-hans", "returned") != state_label("en", "returned")
    local = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
    for message in (chinese, english):
        assert "推荐表未盖章 / The form is not stamped" in message.body
        assert local in message.body


def test_ineligible_decision_needs_a_reason(awaiting, organiser):
    with pytest.raises(FormalCheckError):
        formal_check.decide(
            nomination=awaiting, decision=Decision.INELIGIBLE, actor=organiser, reason="  "
        )

    awaiting.refresh_from_db()
    assert awaiting.state == S.SUBMITTED
    assert FormalCheck.objects.count() == 0


def test_ineligible_decision_mails_the_reason(
    awaiting, organiser, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        formal_check.decide(
            nomination=awaiting,
            decision=Decision.INELIGIBLE,
            actor=organiser,
            reason="往届已获表彰",
        )

    awaiting.refresh_from_db()
    assert awaiting.state == S.INELIGIBLE
    assert [m.to for m in mail.outbox] == [[awaiting.created_by.email]]
    assert "往届已获表彰" in mail.outbox[0].body
    assert state_label("zh-hans", "ineligible") in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("reason", "days"),
    [("", 7), ("Not stamped", None), ("Not stamped", -1)],
    ids=["no reason", "no deadline", "deadline in the past"],
)
def test_return_needs_reasons_and_a_future_deadline(awaiting, organiser, reason, days):
    deadline = None if days is None else timezone.now() + timedelta(days=days)

    with pytest.raises(FormalCheckError):
        formal_check.decide(
            nomination=awaiting,
            decision=Decision.RETURNED,
            actor=organiser,
            reason=reason,
            correction_deadline=deadline,
        )

    awaiting.refresh_from_db()
    assert awaiting.state == S.SUBMITTED


def test_a_nominator_cannot_decide(awaiting, nominator):
    with pytest.raises(Exception) as refused:
        formal_check.decide(nomination=awaiting, decision=Decision.ELIGIBLE, actor=nominator)

    assert type(refused.value).__name__ == "TransitionNotAllowed"
    awaiting.refresh_from_db()
    assert awaiting.state == S.SUBMITTED


def test_a_draft_cannot_be_decided(complete_nomination, organiser):
    with pytest.raises(Exception) as refused:
        formal_check.decide(
            nomination=complete_nomination, decision=Decision.ELIGIBLE, actor=organiser
        )

    assert type(refused.value).__name__ == "TransitionNotAllowed"
    assert FormalCheck.objects.count() == 0


# --- bulk -----------------------------------------------------------------------------------


@pytest.fixture
def three_awaiting(edition, cutting_edge, direction):
    rows = []
    for number in range(3):
        owner = UserFactory(
            organisation=OrganisationFactory(),
            preferred_language="en" if number else "zh-hans",
        )
        nomination = NominationFactory(
            edition=edition,
            category=cutting_edge,
            direction=direction,
            organisation=owner.organisation,
            created_by=owner,
            code=f"{edition.year}-CE-1{number:02d}",
        )
        rows.append(submitted(complete(nomination, owner), owner))
    return rows


def test_bulk_eligible_decides_each_with_its_own_check_and_mail(
    three_awaiting, complete_nomination, organiser, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = formal_check.decide_many(
            nominations=[*three_awaiting, complete_nomination],
            decision=Decision.ELIGIBLE,
            actor=organiser,
        )

    assert [n.code for n in result.decided] == [n.code for n in three_awaiting]
    assert [n.code for n in result.skipped] == [complete_nomination.code]
    assert (
        sorted(
            Nomination.objects.filter(pk__in=[n.pk for n in three_awaiting]).values_list(
                "state", flat=True
            )
        )
        == ["eligible"] * 3
    )
    assert FormalCheck.objects.filter(decision="eligible").count() == 3
    assert all(check.checklist["materials_complete"] for check in FormalCheck.objects.all())
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        n.created_by.email for n in three_awaiting
    )
    assert AuditEvent.objects.filter(action="nomination.formal_check", actor=organiser).count() == 3


def test_bulk_return_applies_one_reason_and_deadline(three_awaiting, organiser):
    deadline = timezone.now() + timedelta(days=5)

    formal_check.decide_many(
        nominations=three_awaiting,
        decision=Decision.RETURNED,
        actor=organiser,
        reason="请补充英文技术报告",
        correction_deadline=deadline,
    )

    rows = Nomination.objects.filter(pk__in=[n.pk for n in three_awaiting])
    assert {(n.state, n.return_reasons, n.correction_deadline) for n in rows} == {
        ("returned", "请补充英文技术报告", deadline)
    }


def test_bulk_ineligible_is_refused(three_awaiting, organiser):
    with pytest.raises(FormalCheckError):
        formal_check.decide_many(
            nominations=three_awaiting,
            decision=Decision.INELIGIBLE,
            actor=organiser,
            reason="x",
        )

    assert set(Nomination.objects.values_list("state", flat=True)) == {"submitted"}


# --- queue ----------------------------------------------------------------------------------


def test_queue_filters_by_state_category_channel_and_completeness(
    edition, cutting_edge, innovative, direction, organisation, nominator
):
    def make(code, category, channel="open", *, full=True):
        nomination = NominationFactory(
            edition=edition,
            category=category,
            direction=direction,
            organisation=organisation,
            created_by=nominator,
            channel=channel,
            code=code,
        )
        if full:
            complete(nomination, nominator)
        Nomination.objects.filter(pk=nomination.pk).update(state=S.SUBMITTED)
        return nomination

    a = make("2030-CE-001", cutting_edge)
    b = make("2030-IN-001", innovative, Channel.SECRETARIAT)
    c = make("2030-IN-002", innovative, full=False)
    NominationFactory(edition=edition, category=cutting_edge, direction=direction, code="D-1")

    def codes(**filters):
        return list(
            formal_check.queue(edition, QueueFilters(**filters)).values_list("code", flat=True)
        )

    assert codes() == [a.code, b.code, c.code]
    assert codes(category="innovative") == [b.code, c.code]
    assert codes(channel="secretariat") == [b.code]
    assert codes(completeness="complete") == [a.code, b.code]
    assert codes(completeness="incomplete") == [c.code]
    assert codes(state="eligible") == []


def test_queue_filters_from_the_query_ignore_unknown_values():
    filters = QueueFilters.from_query(
        {"state": "draft", "channel": "bogus", "completeness": "x", "category": "innovative"}
    )

    assert filters == QueueFilters(category="innovative", state="submitted")


# --- exports --------------------------------------------------------------------------------


def test_csv_export_has_a_bom_a_header_and_the_chinese_text(awaiting):
    nominations = list(formal_check.queue(awaiting.edition, QueueFilters()))

    with translation.override("zh-hans"):
        data = formal_check.export_csv(nominations)

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == awaiting.code
    assert rows[1][4] == awaiting.title_zh
    assert rows[1][5] == awaiting.title_en
    assert rows[1][6] == awaiting.organisation.name_zh


def test_xlsx_export_opens_with_openpyxl_with_every_row(awaiting, three_awaiting):
    nominations = list(formal_check.queue(awaiting.edition, QueueFilters()))

    with translation.override("en"):
        data = formal_check.export_xlsx(nominations)

    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Number", "Channel")
    assert [row[0] for row in rows[1:]] == sorted(n.code for n in [awaiting, *three_awaiting])
    assert rows[1][4] == Nomination.objects.get(code=rows[1][0]).title_zh
    assert rows[1][9] == "Submitted"
