"""The committee and assignment services: import, invitation, assignment, pins, swaps."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, transaction
from django.utils import translation

from core.models import AuditEvent
from review.models import Assignment, Conflict, Expert, PairRule, Review
from review.roster import RosterRow
from review.services import (
    AssignmentNotPossible,
    ReviewError,
    accept_invitation,
    assign_by_hand,
    assign_reviewers,
    declare_conflicts,
    import_committee,
    invite_experts,
    set_pair_rule,
    swap_assignment,
)
from review.services.conflicts import record_conflicts
from submissions.models import Nomination
from tests.factories import OrganisationFactory, UserFactory
from tests.row_locks import locked_by_another

from .committee_helpers import committee_edition, direction, make_entry, make_expert


@pytest.fixture
def edition(db):
    return committee_edition(reviewers_per_entry=2)


@pytest.fixture
def organiser(db):
    return UserFactory(roles=["organiser"])


def _panel(edition, *, entries=4, experts=4):
    battery, fuel = direction(edition), direction(edition, "fuel-cell")
    people = [
        make_expert(edition, name=f"E{i}", directions=[battery if i % 2 == 0 else fuel])
        for i in range(experts)
    ]
    items = [
        make_entry(edition, code=f"2031-CE-{i + 1:03d}", direction=battery if i % 2 == 0 else fuel)
        for i in range(entries)
    ]
    return people, items


def _pairs(edition):
    return set(
        Assignment.objects.filter(nomination__edition=edition).values_list(
            "expert_id", "nomination_id"
        )
    )


# --- Assignment -----------------------------------------------------------------------------


def test_each_entry_gets_k_experts_loads_balanced_and_directions_matched(edition, organiser):
    _experts, entries = _panel(edition)

    summary = assign_reviewers(edition=edition, per_entry=2, actor=organiser)

    per_entry = Counter(n for _x, n in _pairs(edition))
    loads = Counter(x for x, _n in _pairs(edition))
    assert per_entry == {entry.pk: 2 for entry in entries}
    assert sorted(loads.values()) == [2, 2, 2, 2]
    assert summary["coverage"] == 1.0
    assert (summary["load_min"], summary["load_max"]) == (2, 2)
    # Two experts per direction, two entries per direction: every pair can match.
    assert summary["mean_affinity"] == 1.0
    assert summary["objective"] == pytest.approx(summary["bound"])
    assert summary["conflicts_assigned"] == 0


def test_assigned_entries_move_to_in_review_through_the_transition(edition, organiser):
    _experts, entries = _panel(edition)

    assign_reviewers(edition=edition, per_entry=2, actor=organiser)

    assert set(
        Nomination.objects.filter(pk__in=[e.pk for e in entries]).values_list("state", flat=True)
    ) == {"in_review"}
    assert entries[0].state_changes.get().to_state == "in_review"
    assert AuditEvent.objects.filter(action="review.assignment_run").count() == 1


def test_expert_recommendations_and_other_states_are_not_reviewed(edition, organiser):
    _experts, entries = _panel(edition, entries=2, experts=2)
    recommended = make_entry(edition, code="2031-CE-090", channel="expert")
    draft = make_entry(edition, code="2031-CE-091", state="draft")

    summary = assign_reviewers(edition=edition, per_entry=1, actor=organiser)

    assigned = {n for _x, n in _pairs(edition)}
    assert assigned == {e.pk for e in entries}
    assert recommended.pk not in assigned and draft.pk not in assigned
    assert summary["entries"] == 2


def test_a_conflicted_expert_is_never_assigned(edition, organiser):
    experts, entries = _panel(edition)
    for expert in experts[:2]:
        Conflict.objects.create(
            expert=expert, nomination=entries[0], source=Conflict.Source.DECLARED, reason="x"
        )

    summary = assign_reviewers(edition=edition, per_entry=2, actor=organiser)

    assert {x for x, n in _pairs(edition) if n == entries[0].pk} == {
        experts[2].pk,
        experts[3].pk,
    }
    assert summary["conflicts_assigned"] == 0


def test_pinning_a_conflicted_pair_is_refused(edition, organiser):
    experts, entries = _panel(edition)
    Conflict.objects.create(
        expert=experts[0], nomination=entries[0], source="organiser", reason="x"
    )

    with pytest.raises(ReviewError) as refused, translation.override("en"):
        set_pair_rule(expert=experts[0], nomination=entries[0], kind="pin", actor=organiser)

    assert "conflict of interest" in refused.value.message
    assert not PairRule.objects.exists()


def test_a_pin_left_over_from_before_a_conflict_is_explained_not_assigned(edition, organiser):
    experts, entries = _panel(edition)
    PairRule.objects.create(expert=experts[0], nomination=entries[0], kind="pin")
    Conflict.objects.create(expert=experts[0], nomination=entries[0], source="declared", reason="x")

    with pytest.raises(AssignmentNotPossible) as refused:
        assign_reviewers(edition=edition, per_entry=2, actor=organiser)

    assert [r["kind"] for r in refused.value.reasons] == ["pinned_and_forbidden"]
    assert refused.value.reasons[0]["entry_code"] == "2031-CE-001"
    assert not Assignment.objects.exists()


def test_pins_and_forbids_are_honoured(edition, organiser):
    experts, entries = _panel(edition)
    # Against affinity: a fuel-cell expert pinned to a battery entry, a matching pair forbidden.
    set_pair_rule(expert=experts[1], nomination=entries[0], kind="pin", actor=organiser)
    set_pair_rule(expert=experts[0], nomination=entries[0], kind="forbid", actor=organiser)

    assign_reviewers(edition=edition, per_entry=2, actor=organiser)

    pairs = _pairs(edition)
    assert (experts[1].pk, entries[0].pk) in pairs
    assert (experts[0].pk, entries[0].pk) not in pairs
    assert Assignment.objects.get(expert=experts[1], nomination=entries[0]).source == "pinned"


def test_rerunning_keeps_assignments_whose_review_has_started(edition, organiser):
    experts, entries = _panel(edition)
    # A started review on an unlikely pair: the solver alone would not choose it.
    odd = Assignment.objects.create(expert=experts[1], nomination=entries[0], source="manual")
    Review.objects.create(assignment=odd)
    stale = Assignment.objects.create(expert=experts[1], nomination=entries[2], source="solver")

    assign_reviewers(edition=edition, per_entry=2, actor=organiser)
    assign_reviewers(edition=edition, per_entry=2, actor=organiser)

    assert Assignment.objects.filter(pk=odd.pk).exists()
    assert Review.objects.filter(assignment=odd).exists()
    assert not Assignment.objects.filter(pk=stale.pk).exists()
    assert Counter(n for _x, n in _pairs(edition))[entries[0].pk] == 2


def test_too_few_experts_names_the_entry_and_the_numbers_in_both_languages(edition, organiser):
    experts, entries = _panel(edition, entries=2, experts=3)
    for expert in experts[:2]:
        Conflict.objects.create(expert=expert, nomination=entries[1], source="declared", reason="x")

    with pytest.raises(AssignmentNotPossible) as refused:
        assign_reviewers(edition=edition, per_entry=2, actor=organiser, min_load=0, max_load=2)

    reason = refused.value.reasons[0]
    assert (reason["kind"], reason["entry_code"], reason["available"], reason["needed"]) == (
        "too_few_experts",
        "2031-CE-002",
        1,
        2,
    )
    from review.assignment_data import reason_message

    with translation.override("en"):
        english = reason_message(reason)
    with translation.override("zh-hans"):
        chinese = reason_message(reason)
    assert english == (
        "Entry 2031-CE-002 “Technology 2031-CE-002” needs 2 experts but only 1 are free of "
        "conflicts and forbidden pairs."
    )
    assert chinese == (
        "参评项目 2031-CE-002 “2031-CE-002号技术” 需要 2 位专家，"
        "但排除利益冲突和禁止配对后仅有 1 位可用。"
    )
    assert not Assignment.objects.exists()


def test_loads_that_cannot_add_up_are_explained(edition, organiser):
    _panel(edition, entries=4, experts=2)

    with pytest.raises(AssignmentNotPossible) as refused:
        assign_reviewers(edition=edition, per_entry=2, actor=organiser, min_load=1, max_load=3)

    assert refused.value.reasons[0] == {
        "kind": "loads_do_not_add_up",
        "reviews_needed": 8,
        "experts": 2,
        "min_load": 1,
        "max_load": 3,
    }


# --- Changes by hand ------------------------------------------------------------------------


def test_manual_swap_to_a_conflicted_expert_is_refused(edition, organiser):
    experts, entries = _panel(edition)
    assignment = Assignment.objects.create(expert=experts[0], nomination=entries[0])
    Conflict.objects.create(
        expert=experts[2], nomination=entries[0], source="automatic", reason="recommended"
    )

    with pytest.raises(ReviewError), translation.override("en"):
        swap_assignment(assignment=assignment, new_expert=experts[2], actor=organiser)

    assert list(_pairs(edition)) == [(experts[0].pk, entries[0].pk)]


def test_manual_swap_gives_the_entry_to_another_expert(edition, organiser):
    experts, entries = _panel(edition)
    assignment = Assignment.objects.create(expert=experts[0], nomination=entries[0])

    swapped = swap_assignment(assignment=assignment, new_expert=experts[2], actor=organiser)

    assert list(_pairs(edition)) == [(experts[2].pk, entries[0].pk)]
    assert swapped.source == "manual"


def test_assign_by_hand_refuses_a_conflict_and_moves_the_entry_to_review(edition, organiser):
    experts, entries = _panel(edition)
    Conflict.objects.create(expert=experts[1], nomination=entries[0], source="declared", reason="x")

    with pytest.raises(ReviewError):
        assign_by_hand(expert=experts[1], nomination=entries[0], actor=organiser)
    assign_by_hand(expert=experts[0], nomination=entries[0], actor=organiser)

    assert list(_pairs(edition)) == [(experts[0].pk, entries[0].pk)]
    entries[0].refresh_from_db()
    assert entries[0].state == "in_review"


def test_declaring_a_conflict_removes_the_assignment(edition):
    experts, entries = _panel(edition)
    Assignment.objects.create(expert=experts[0], nomination=entries[0])

    declare_conflicts(
        expert=experts[0], declared={entries[0].pk: "My own work"}, actor=experts[0].user
    )

    assert not Assignment.objects.filter(expert=experts[0], nomination=entries[0]).exists()


# --- The committee --------------------------------------------------------------------------


def _row(line, **values):
    base = {
        "name_zh": "",
        "name_en": "",
        "email": "",
        "affiliation_zh": "",
        "affiliation_en": "",
        "title_zh": "",
        "title_en": "",
        "directions": "",
        "language": "",
    }
    return RosterRow(
        line=line, values={**base, **values}, language=values.get("language") or "zh-hans"
    )


def test_import_creates_experts_and_updates_them_by_email(edition, organiser):
    tsinghua = OrganisationFactory(name_zh="清华大学", name_en="Tsinghua University")
    row = _row(
        2,
        name_zh="张三",
        name_en="Zhang San",
        email="zhang@example.cn",
        affiliation_zh="清华大学",
        affiliation_en="Tsinghua University",
        language="en",
    )
    row.direction_ids = [direction(edition).pk]

    first = import_committee(edition=edition, rows=[row], actor=organiser)
    row.values["title_en"] = "Professor"
    row.direction_ids = [direction(edition, "fuel-cell").pk]
    second = import_committee(edition=edition, rows=[row], actor=organiser)

    assert (first, second) == ({"created": 1, "updated": 0}, {"created": 0, "updated": 1})
    expert = Expert.objects.get(edition=edition)
    assert (expert.user.email, expert.title_en, expert.organisation) == (
        "zhang@example.cn",
        "Professor",
        tsinghua,
    )
    assert list(expert.directions.values_list("code", flat=True)) == ["fuel-cell"]
    assert expert.user.groups.filter(name="expert").exists()
    assert expert.user.preferred_language == "en"
    assert not expert.user.has_usable_password()
    assert expert.user.organisation is None  # an expert is not a nominator


def test_rows_with_errors_are_not_imported(edition, organiser):
    bad = _row(2, name_en="No Mail", affiliation_en="X")
    bad.errors = [{"code": "email_missing"}]

    result = import_committee(edition=edition, rows=[bad], actor=organiser)

    assert result == {"created": 0, "updated": 0}
    assert not Expert.objects.exists()


def test_invitation_mail_is_in_the_experts_language_and_accepting_sets_accepted_at(
    edition, organiser, django_capture_on_commit_callbacks
):
    english = make_expert(edition, name="En", language="en")
    chinese = make_expert(edition, name="Zh", language="zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        sent = invite_experts(
            experts=[english, chinese], actor=organiser, base_url="https://portal.example"
        )

    assert sent == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert "/en/review/invitation/" in by_recipient[english.user.email].body
    assert by_recipient[english.user.email].subject.startswith("Invitation to the Science")
    assert "/zh-hans/review/invitation/" in by_recipient[chinese.user.email].body
    assert by_recipient[chinese.user.email].subject.startswith("科学技术委员会邀请函")
    accept_invitation(user=english.user, password="A-new-password-2031")
    english.refresh_from_db()
    assert english.accepted_at is not None
    assert get_user_model().objects.get(pk=english.user.pk).check_password("A-new-password-2031")


def test_a_run_under_way_blocks_another_until_it_is_stale(edition, organiser):
    from datetime import timedelta

    from django.utils import timezone

    from review.models import AssignmentRun
    from review.services import start_assignment_run

    under_way = AssignmentRun.objects.create(edition=edition, per_entry=2, state="running")

    with pytest.raises(ReviewError):
        start_assignment_run(edition=edition, per_entry=2, actor=organiser)
    AssignmentRun.objects.filter(pk=under_way.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    run = start_assignment_run(edition=edition, per_entry=2, actor=organiser)

    assert run.state == "queued"
    assert AssignmentRun.objects.count() == 2


def test_assignment_first_brings_automatic_conflicts_up_to_date(edition, organiser):
    experts, entries = _panel(edition)
    # The expert joins the nominating organisation after the last refresh.
    experts[0].organisation = entries[0].organisation
    experts[0].save()

    summary = assign_reviewers(edition=edition, per_entry=2, actor=organiser)

    assert Conflict.objects.filter(
        expert=experts[0], nomination=entries[0], source="automatic"
    ).exists()
    assert (experts[0].pk, entries[0].pk) not in _pairs(edition)
    assert summary["conflicts_assigned"] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (CI's database)")
@pytest.mark.parametrize("write", ["assign", "record a conflict"])
def test_assigning_or_recording_a_conflict_by_hand_does_not_lock_the_edition(
    write, edition, organiser
):
    experts, entries = _panel(edition)
    Conflict.objects.create(expert=experts[1], nomination=entries[1], source="declared", reason="")

    with transaction.atomic():
        if write == "assign":
            assign_by_hand(expert=experts[0], nomination=entries[0], actor=organiser)
        else:
            record_conflicts(
                source="declared",
                reasons={(experts[1].pk, entries[1].pk): "co-author"},
                actor=organiser,
            )

        assert not locked_by_another("submissions_edition", edition.pk)
