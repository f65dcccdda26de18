"""The write path of nominations: transitions, creation, edits, submission, windows."""

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from core.models import AuditEvent
from review.models import Expert
from submissions.models import Declaration, Nomination, StageWindow, StateChange
from submissions.recommendations import recommend_technology
from submissions.services import (
    IncompleteNomination,
    NominationError,
    NotEditable,
    StaleEdit,
    TransitionNotAllowed,
    WindowClosed,
    create_nomination,
    make_declarations,
    save_nomination,
    submit_nomination,
    transition,
    withdraw_nomination,
)
from submissions.stages import Stage
from submissions.states import TRANSITIONS, Actor, Channel, NominationState
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db
S = NominationState
TABLE = {(t.source, t.target): t for t in TRANSITIONS}


@pytest.fixture(autouse=True)
def _english():
    # Refusal messages are matched in English; e-mails pick their own language.
    with translation.override("en"):
        yield


def set_state(nomination, state, **extra):
    """Put a nomination into a state for the test's arrangement (bypassing the service)."""
    Nomination.objects.filter(pk=nomination.pk).update(state=state, **extra)
    nomination.refresh_from_db()
    return nomination


def actor_for(transition_row, *, nominator, organiser):
    if Actor.NOMINATOR in transition_row.actors:
        return nominator
    if Actor.ORGANISER in transition_row.actors:
        return organiser
    return None


def collection_closes_at(edition):
    return StageWindow.objects.get(edition=edition, stage=Stage.COLLECTION).closes_at


# --- transition -----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), sorted(TABLE))
def test_transition_performs_every_move_of_the_table(
    source, target, nomination, nominator, organiser
):
    nomination.channel = Channel.EXPERT if (source, target) == (S.ELIGIBLE, S.FINALIST) else "open"
    nomination.save(update_fields=["channel"])
    set_state(nomination, source)
    actor = actor_for(TABLE[source, target], nominator=nominator, organiser=organiser)
    deadline = timezone.now() + timedelta(days=7) if target == S.RETURNED else None

    result = transition(
        nomination=nomination,
        to_state=target,
        actor=actor,
        reason="checked",
        correction_deadline=deadline,
    )

    result.refresh_from_db()
    assert result.state == target
    change = StateChange.objects.get(nomination=nomination, to_state=target)
    assert (change.from_state, change.actor, change.reason) == (source, actor, "checked")
    event = AuditEvent.objects.get(action="nomination.state_changed", object_id=str(nomination.pk))
    assert (event.details["from"], event.details["to"]) == (source, target)


REFUSED = [pair for pair in itertools.product(S.values, repeat=2) if pair not in TABLE]


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_transition_refuses_every_move_outside_the_table(source, target, nomination, organiser):
    set_state(nomination, source)

    with pytest.raises(TransitionNotAllowed):
        transition(
            nomination=nomination,
            to_state=target,
            actor=organiser,
            correction_deadline=timezone.now() + timedelta(days=1),
        )

    nomination.refresh_from_db()
    assert nomination.state == source
    assert not StateChange.objects.filter(nomination=nomination, to_state=target).exists()
    assert not AuditEvent.objects.filter(action="nomination.state_changed").exists()


def test_transition_reads_the_state_from_the_database_not_the_callers_copy(nomination, organiser):
    stale_copy = Nomination.objects.get(pk=nomination.pk)
    set_state(nomination, S.SUBMITTED)

    result = transition(nomination=stale_copy, to_state=S.ELIGIBLE, actor=organiser)

    assert result.state == S.ELIGIBLE
    assert StateChange.objects.get(nomination=nomination, to_state=S.ELIGIBLE).from_state == (
        S.SUBMITTED
    )


def test_transition_stamps_the_times_and_bumps_the_version(complete_nomination, nominator):
    moment = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    version_before = complete_nomination.version

    with time_machine.travel(moment, tick=False):
        result = transition(nomination=complete_nomination, to_state=S.SUBMITTED, actor=nominator)

    assert (result.state_changed_at, result.submitted_at) == (moment, moment)
    assert result.version == version_before + 1


def test_a_nominator_cannot_decide_the_formal_check(nomination, nominator):
    set_state(nomination, S.SUBMITTED)

    with pytest.raises(TransitionNotAllowed):
        transition(nomination=nomination, to_state=S.ELIGIBLE, actor=nominator)

    nomination.refresh_from_db()
    assert nomination.state == S.SUBMITTED


def test_returning_needs_a_deadline_and_records_reasons(nomination, organiser):
    set_state(nomination, S.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        transition(nomination=nomination, to_state=S.RETURNED, actor=organiser, reason="Stamp")
    deadline = timezone.now() + timedelta(days=5)

    result = transition(
        nomination=nomination,
        to_state=S.RETURNED,
        actor=organiser,
        reason="The form lacks the stamp.",
        correction_deadline=deadline,
    )

    assert (result.return_reasons, result.correction_deadline) == (
        "The form lacks the stamp.",
        deadline,
    )


def test_transition_emails_each_member_of_the_organisation_in_their_language(
    django_capture_on_commit_callbacks, nomination, nominator, colleague, organiser
):
    set_state(nomination, S.SUBMITTED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        transition(
            nomination=nomination,
            to_state=S.RETURNED,
            actor=organiser,
            reason="请补充加盖公章的推荐表。",
            correction_deadline=timezone.now() + timedelta(days=5),
        )

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == sorted([nominator.email, colleague.email])
    chinese, english = by_recipient[nominator.email], by_recipient[colleague.email]
    assert chinese.subject == f"WNEVC 申报 {nomination.code}：退回修改"
    assert "退回修改" in chinese.body
    assert "请补充加盖公章的推荐表。" in chinese.body
    assert english.subject == f"WNEVC nomination {nomination.code}: Returned for correction"
    assert "Returned for correction" in english.body
    assert f"/en/my/nominations/{nomination.code}/" in english.body
    assert f"/zh-hans/my/nominations/{nomination.code}/" in chinese.body


def test_no_email_leaves_before_the_transaction_commits(
    django_capture_on_commit_callbacks, complete_nomination, nominator
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(nomination=complete_nomination, to_state=S.SUBMITTED, actor=nominator)

    assert (len(callbacks), mail.outbox) == (1, [])


# --- creating -------------------------------------------------------------------------------


def test_create_nomination_numbers_per_category_and_starts_a_timeline(
    edition, cutting_edge, innovative, organisation, nominator
):
    first = create_nomination(
        edition=edition, organisation=organisation, actor=nominator, category=cutting_edge
    )
    second = create_nomination(
        edition=edition,
        organisation=organisation,
        actor=nominator,
        category=cutting_edge,
        title_en="Sodium-ion cells",
        key_people=[{"name": "王明", "organisation_name": "研究院", "role": "负责人"}],
    )
    other = create_nomination(
        edition=edition, organisation=organisation, actor=nominator, category=innovative
    )

    year = edition.year
    assert [first.code, second.code, other.code] == [
        f"{year}-CE-001",
        f"{year}-CE-002",
        f"{year}-IN-001",
    ]
    assert (second.state, second.channel, second.created_by) == (S.DRAFT, Channel.OPEN, nominator)
    assert list(second.key_people.values_list("name", "role")) == [("王明", "负责人")]
    assert list(second.state_changes.values_list("from_state", "to_state")) == [("", S.DRAFT)]
    assert AuditEvent.objects.filter(action="nomination.created").count() == 3


def test_create_nomination_refuses_content_that_is_not_the_nominators(
    edition, cutting_edge, organisation, nominator
):
    with pytest.raises(TypeError):
        create_nomination(
            edition=edition,
            organisation=organisation,
            actor=nominator,
            category=cutting_edge,
            state=S.WINNER,
        )

    assert not Nomination.objects.exists()


def test_creation_is_allowed_one_second_before_the_window_closes(
    edition, cutting_edge, organisation, nominator
):
    with time_machine.travel(collection_closes_at(edition) - timedelta(seconds=1), tick=False):
        created = create_nomination(
            edition=edition, organisation=organisation, actor=nominator, category=cutting_edge
        )

    assert created.state == S.DRAFT


def test_creation_is_refused_one_second_after_the_window_closes(
    edition, cutting_edge, organisation, nominator
):
    with (
        time_machine.travel(collection_closes_at(edition) + timedelta(seconds=1), tick=False),
        pytest.raises(WindowClosed, match="collection window is closed"),
    ):
        create_nomination(
            edition=edition, organisation=organisation, actor=nominator, category=cutting_edge
        )

    assert not Nomination.objects.exists()


def test_creation_is_refused_before_the_window_opens(
    edition, cutting_edge, organisation, nominator
):
    window = StageWindow.objects.get(edition=edition, stage=Stage.COLLECTION)

    with (
        time_machine.travel(window.opens_at - timedelta(seconds=1), tick=False),
        pytest.raises(WindowClosed),
    ):
        create_nomination(
            edition=edition, organisation=organisation, actor=nominator, category=cutting_edge
        )


def test_organisers_are_not_bound_by_the_window(edition, cutting_edge, organisation, organiser):
    with time_machine.travel(collection_closes_at(edition) + timedelta(days=3), tick=False):
        created = create_nomination(
            edition=edition,
            organisation=organisation,
            actor=organiser,
            category=cutting_edge,
            channel=Channel.SECRETARIAT,
        )

    assert created.channel == Channel.SECRETARIAT


# --- editing --------------------------------------------------------------------------------


def test_a_save_writes_content_parts_and_declarations_and_bumps_the_version(nomination, nominator):
    result = save_nomination(
        nomination=nomination,
        actor=nominator,
        data={
            "version": nomination.version,
            "title_en": "New title",
            "patents": [{"number": "CN1234567A", "title": "电池", "status": "pending"}],
            "declarations": ["voluntary"],
        },
    )

    result.refresh_from_db()
    assert (result.title_en, result.version) == ("New title", nomination.version + 1)
    assert list(result.patents.values_list("number", "status")) == [("CN1234567A", "pending")]
    declaration = result.declarations.get()
    assert (declaration.kind, declaration.made_by) == ("voluntary", nominator)
    event = AuditEvent.objects.get(action="nomination.updated")
    assert event.details["fields"] == ["title_en"]


def test_a_stale_edit_is_refused_and_changes_nothing(nomination, nominator, colleague):
    opened_version = nomination.version
    save_nomination(
        nomination=nomination,
        actor=colleague,
        data={"version": opened_version, "title_en": "Saved in the other tab"},
    )

    with pytest.raises(StaleEdit) as refused:
        save_nomination(
            nomination=nomination,
            actor=nominator,
            data={"version": opened_version, "title_en": "Typed in this tab"},
        )

    nomination.refresh_from_db()
    assert nomination.title_en == "Saved in the other tab"
    assert refused.value.current_version == opened_version + 1


def test_a_stranger_cannot_update(nomination, stranger):
    with pytest.raises(NotEditable):
        save_nomination(
            nomination=nomination,
            actor=stranger,
            data={"version": nomination.version, "title_en": "Hijacked"},
        )

    nomination.refresh_from_db()
    assert nomination.title_en != "Hijacked"


def test_editing_is_allowed_one_second_before_the_window_closes(nomination, nominator, edition):
    with time_machine.travel(collection_closes_at(edition) - timedelta(seconds=1), tick=False):
        result = save_nomination(
            nomination=nomination,
            actor=nominator,
            data={"version": nomination.version, "title_en": "Last-minute"},
        )

    assert result.title_en == "Last-minute"


def test_editing_is_refused_one_second_after_the_window_closes(nomination, nominator, edition):
    with (
        time_machine.travel(collection_closes_at(edition) + timedelta(seconds=1), tick=False),
        pytest.raises(WindowClosed),
    ):
        save_nomination(
            nomination=nomination,
            actor=nominator,
            data={"version": nomination.version, "title_en": "Too late"},
        )

    nomination.refresh_from_db()
    assert nomination.title_en != "Too late"


def test_a_returned_nomination_stays_editable_until_its_correction_deadline(
    nomination, nominator, edition
):
    closes = collection_closes_at(edition)
    deadline = closes + timedelta(days=10)
    set_state(nomination, S.RETURNED, correction_deadline=deadline)

    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        result = save_nomination(
            nomination=nomination,
            actor=nominator,
            data={"version": nomination.version, "title_en": "Corrected"},
        )
    with (
        time_machine.travel(deadline + timedelta(seconds=1), tick=False),
        pytest.raises(WindowClosed, match="correction deadline has passed"),
    ):
        save_nomination(
            nomination=result,
            actor=nominator,
            data={"version": result.version, "title_en": "Too late"},
        )

    result.refresh_from_db()
    assert result.title_en == "Corrected"


def test_a_nomination_under_review_cannot_be_edited(nomination, nominator):
    set_state(nomination, S.ELIGIBLE)

    with pytest.raises(NotEditable):
        save_nomination(
            nomination=nomination, actor=nominator, data={"version": nomination.version}
        )


@pytest.fixture
def expert_recommendation(edition, expert, cutting_edge):
    member = Expert.objects.create(
        edition=edition, user=expert, name_zh="王建华", name_en="Wang Jianhua"
    )
    return recommend_technology(
        expert=member,
        actor=expert,
        category=cutting_edge,
        organisation_fields={
            "name_zh": "华夏动力电池科技有限公司",
            "name_en": "Huaxia Power Battery Technology Co., Ltd.",
            "kind": "enterprise",
            "country": "China",
        },
        statement_zh="该技术指标领先，建议推荐。",
        statement_en="Clearly ahead on key indicators; I recommend it.",
        title_zh="钠离子电池",
        title_en="Sodium-ion battery",
    )


def test_one_save_writes_the_text_and_the_experts_statement_under_one_version(
    expert_recommendation, expert
):
    opened = expert_recommendation.version

    result = save_nomination(
        nomination=expert_recommendation,
        actor=expert,
        data={
            "version": opened,
            "title_en": "Sodium-ion cells",
            "statement": {"statement_zh": "建议推荐。", "statement_en": "I recommend it."},
        },
    )

    result.refresh_from_db()
    assert (result.title_en, result.version) == ("Sodium-ion cells", opened + 1)
    assert (result.recommendation.statement_zh, result.recommendation.statement_en) == (
        "建议推荐。",
        "I recommend it.",
    )
    assert list(
        AuditEvent.objects.filter(object_id=str(result.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )[-2:] == ["nomination.updated", "recommendation.statement_changed"]


def test_a_stale_save_changes_neither_the_text_nor_the_statement(expert_recommendation, expert):
    opened = expert_recommendation.version
    save_nomination(
        nomination=expert_recommendation,
        actor=expert,
        data={"version": opened, "title_en": "Saved in the other tab"},
    )

    with pytest.raises(StaleEdit):
        save_nomination(
            nomination=expert_recommendation,
            actor=expert,
            data={
                "version": opened,
                "title_en": "Typed in this tab",
                "statement": {"statement_zh": "改了。", "statement_en": "Changed."},
            },
        )

    expert_recommendation.refresh_from_db()
    assert expert_recommendation.title_en == "Saved in the other tab"
    assert expert_recommendation.recommendation.statement_en == (
        "Clearly ahead on key indicators; I recommend it."
    )


def test_a_statement_missing_a_language_refuses_the_whole_save(expert_recommendation, expert):
    with translation.override("en"), pytest.raises(NominationError) as refused:
        save_nomination(
            nomination=expert_recommendation,
            actor=expert,
            data={
                "version": expert_recommendation.version,
                "title_en": "Not saved",
                "statement": {"statement_zh": "建议推荐。", "statement_en": " "},
            },
        )

    expert_recommendation.refresh_from_db()
    assert expert_recommendation.title_en == "Sodium-ion battery"
    assert refused.value.message == "The recommendation statement is required in both languages."


def test_make_declarations_records_account_and_time_and_drops_unticked_ones(nomination, nominator):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        make_declarations(
            nomination=nomination, actor=nominator, kinds=["voluntary", "no_ip_dispute"]
        )
    make_declarations(nomination=nomination, actor=nominator, kinds=["voluntary"])

    declaration = Declaration.objects.get(nomination=nomination)
    assert (declaration.kind, declaration.made_by, declaration.made_at) == (
        "voluntary",
        nominator,
        moment,
    )


# --- submitting and withdrawing -------------------------------------------------------------


def test_submit_moves_a_complete_draft_to_submitted(complete_nomination, nominator):
    result = submit_nomination(nomination=complete_nomination, actor=nominator)

    assert result.state == S.SUBMITTED
    assert result.submitted_at is not None


def test_submit_refuses_an_incomplete_nomination_and_says_what_is_missing(nomination, nominator):
    Nomination.objects.filter(pk=nomination.pk).update(summary_en="")

    with pytest.raises(IncompleteNomination) as refused:
        submit_nomination(nomination=nomination, actor=nominator)

    fields = [item.field for item in refused.value.missing]
    assert fields[0] == "summary_en"
    assert fields.count("attachments") == 2
    assert fields.count("declarations") == 3
    nomination.refresh_from_db()
    assert nomination.state == S.DRAFT


def test_a_double_submit_makes_one_submission(
    django_capture_on_commit_callbacks, complete_nomination, nominator
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = submit_nomination(nomination=complete_nomination, actor=nominator)
        second = submit_nomination(nomination=complete_nomination, actor=nominator)

    assert first.submitted_at == second.submitted_at
    assert (
        StateChange.objects.filter(nomination=complete_nomination, to_state=S.SUBMITTED).count()
        == 1
    )
    assert len(mail.outbox) == 1


def test_a_stranger_cannot_submit(complete_nomination, stranger):
    with pytest.raises(TransitionNotAllowed):
        submit_nomination(nomination=complete_nomination, actor=stranger)

    complete_nomination.refresh_from_db()
    assert complete_nomination.state == S.DRAFT


def test_submit_is_refused_after_the_window_closes(complete_nomination, nominator, edition):
    with (
        time_machine.travel(collection_closes_at(edition) + timedelta(seconds=1), tick=False),
        pytest.raises(WindowClosed),
    ):
        submit_nomination(nomination=complete_nomination, actor=nominator)


def test_a_corrected_nomination_is_resubmitted_before_its_deadline(
    complete_nomination, nominator, edition
):
    deadline = collection_closes_at(edition) + timedelta(days=10)
    set_state(complete_nomination, S.RETURNED, correction_deadline=deadline)

    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        result = submit_nomination(nomination=complete_nomination, actor=nominator)

    assert result.state == S.SUBMITTED


def test_withdraw_records_the_reason_on_the_timeline(nomination, nominator):
    result = withdraw_nomination(nomination=nomination, actor=nominator, reason="Merged with 002")

    assert result.state == S.WITHDRAWN
    change = StateChange.objects.get(nomination=nomination, to_state=S.WITHDRAWN)
    assert (change.actor, change.reason) == (nominator, "Merged with 002")


def test_withdrawing_under_review_is_refused(nomination, nominator):
    set_state(nomination, S.IN_REVIEW)

    with pytest.raises(TransitionNotAllowed):
        withdraw_nomination(nomination=nomination, actor=nominator)


def test_the_factory_nomination_of_another_organisation_is_not_touched(nomination, nominator):
    other = NominationFactory(edition=nomination.edition)

    with pytest.raises(TransitionNotAllowed):
        withdraw_nomination(nomination=other, actor=nominator)


# --- under concurrent requests (PostgreSQL: real row locks) ---------------------------------


def run_together(*calls):
    """Run the calls in threads released at the same moment; returns results or exceptions."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writes anyway")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_make_one_submission(
    postgresql_only, complete_nomination, nominator
):
    results = run_together(
        lambda: submit_nomination(nomination=complete_nomination, actor=nominator),
        lambda: submit_nomination(nomination=complete_nomination, actor=nominator),
    )

    assert [getattr(result, "state", result) for result in results] == [S.SUBMITTED, S.SUBMITTED]
    assert StateChange.objects.filter(to_state=S.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_creations_get_distinct_numbers(
    postgresql_only, edition, cutting_edge, organisation, nominator
):
    def create():
        return create_nomination(
            edition=edition, organisation=organisation, actor=nominator, category=cutting_edge
        ).code

    codes = run_together(*[create] * 4)

    year = edition.year
    assert sorted(codes) == [f"{year}-CE-00{n}" for n in (1, 2, 3, 4)]
