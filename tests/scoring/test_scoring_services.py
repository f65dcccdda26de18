"""Scoring services: default criteria, drafts and submissions within the window, the ranking
(equal to review.scoring on the same data), the shortlist and finalists, the XLSX export."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.models import AuditEvent
from review import scoring
from review.models import Criterion, Review
from scoring.export import ranking_workbook
from scoring.queries import edition_ranking, finalist_candidates
from scoring.services import (
    IncompleteReview,
    ReviewClosed,
    ScoringError,
    ShortlistError,
    StaleReview,
    confirm_finalists,
    confirm_shortlist,
    ensure_default_criteria,
    preliminary_window,
    save_review,
    set_criterion_weights,
)
from submissions.models import StateChange
from tests.factories import UserFactory
from tests.review.scoring_helpers import (
    CLOSES,
    DURING,
    assign,
    category,
    conflict_despite_assignment,
    criteria,
    make_entry,
    make_expert,
    preliminary_edition,
    write_review,
)

pytestmark = pytest.mark.django_db


# --- Criteria -------------------------------------------------------------------------------


def test_default_criteria_per_category_with_anchors_in_both_languages():
    edition = preliminary_edition()

    cutting_edge = criteria(edition, "cutting_edge")
    innovative = criteria(edition, "innovative")

    assert [c.name_zh for c in cutting_edge] == ["前瞻性", "引领性", "颠覆性", "发展前景"]
    assert [c.name_en for c in innovative] == [
        "Innovation",
        "Advancedness",
        "Importance",
        "Potential",
    ]
    assert all(c.weight == Decimal("1") for c in cutting_edge + innovative)
    anchors = cutting_edge[0].anchors
    assert sorted(anchors, key=int) == ["1", "3", "5", "7", "9"]
    assert all(anchor["zh"] and anchor["en"] for anchor in anchors.values())


def test_default_criteria_again_adds_nothing_and_keeps_changed_weights():
    edition = preliminary_edition()
    first = criteria(edition)[0]
    Criterion.objects.filter(pk=first.pk).update(weight=Decimal("3"))

    added = ensure_default_criteria(edition=edition)

    assert added == 0
    assert Criterion.objects.filter(category__edition=edition).count() == 8
    assert Criterion.objects.get(pk=first.pk).weight == Decimal("3")


def test_weights_change_and_at_least_one_must_stay_positive():
    edition = preliminary_edition()
    organiser = UserFactory(roles=["organiser"])
    ce = criteria(edition)

    set_criterion_weights(edition=edition, weights={ce[0].pk: Decimal("2")}, actor=organiser)
    with pytest.raises(ScoringError):
        set_criterion_weights(
            edition=edition, weights={c.pk: Decimal("0") for c in ce}, actor=organiser
        )

    assert [c.weight for c in criteria(edition)] == [Decimal("2")] + [Decimal("1")] * 3
    assert AuditEvent.objects.filter(action="review.criteria_weights_changed").count() == 1


# --- Reviews --------------------------------------------------------------------------------


@pytest.fixture
def arranged():
    edition = preliminary_edition()
    expert = make_expert(edition)
    nomination = make_entry(edition)
    assignment = assign(expert, nomination)
    return edition, expert, assignment, criteria(edition)


def _save(assignment, expert, crit, values, *, version=1, submit=False, confidence=2):
    return save_review(
        assignment=assignment,
        actor=expert.user,
        scores=dict(zip([c.pk for c in crit], values, strict=False)),
        comment="Solid work.",
        confidence=confidence,
        expected_version=version,
        submit=submit,
    )


@time_machine.travel(DURING, tick=False)
def test_a_draft_keeps_partial_scores(arranged):
    _edition, expert, assignment, crit = arranged

    review = _save(assignment, expert, crit, [7, 8])

    assert review.state == Review.State.DRAFT
    assert review.version == 2
    assert dict(review.scores.values_list("criterion_id", "score")) == {
        crit[0].pk: 7,
        crit[1].pk: 8,
    }


@time_machine.travel(DURING, tick=False)
def test_submitting_needs_every_score_and_saves_nothing_when_refused(arranged):
    _edition, expert, assignment, crit = arranged

    with pytest.raises(IncompleteReview) as refused:
        _save(assignment, expert, crit, [7, 8, 6], submit=True)

    assert refused.value.missing == [crit[3]]
    assert not Review.objects.exclude(version=1).exists()
    assert not Review.objects.filter(state=Review.State.SUBMITTED).exists()


@time_machine.travel(DURING, tick=False)
def test_submit_then_edit_until_close_stays_submitted(arranged):
    _edition, expert, assignment, crit = arranged

    submitted = _save(assignment, expert, crit, [7, 8, 6, 9], submit=True)
    edited = _save(assignment, expert, crit, [7, 8, 6, 10], version=submitted.version)

    assert submitted.state == Review.State.SUBMITTED
    assert submitted.submitted_at == DURING
    assert edited.state == Review.State.SUBMITTED
    assert edited.scores.get(criterion=crit[3]).score == 10
    assert AuditEvent.objects.filter(action="review.changed_after_submission").count() == 1


@time_machine.travel(DURING, tick=False)
def test_a_stale_version_is_refused(arranged):
    _edition, expert, assignment, crit = arranged
    _save(assignment, expert, crit, [7])

    with pytest.raises(StaleReview) as refused:
        _save(assignment, expert, crit, [3], version=1)

    assert refused.value.current_version == 2
    assert Review.objects.get().scores.get().score == 7


def test_scores_are_refused_from_the_closing_instant(arranged):
    _edition, expert, assignment, crit = arranged
    with time_machine.travel(CLOSES - timedelta(seconds=1), tick=False):
        review = _save(assignment, expert, crit, [7, 8, 6, 9], submit=True)

    with time_machine.travel(CLOSES, tick=False), pytest.raises(ReviewClosed):
        _save(assignment, expert, crit, [1, 1, 1, 1], version=review.version)

    assert sorted(Review.objects.get().scores.values_list("score", flat=True)) == [6, 7, 8, 9]


@time_machine.travel(DURING, tick=False)
def test_only_the_assigned_unconflicted_expert_may_score(arranged):
    edition, expert, assignment, crit = arranged
    other = make_expert(edition, name="Other")

    with pytest.raises(ScoringError):
        save_review(
            assignment=assignment,
            actor=other.user,
            scores={crit[0].pk: 5},
            comment="",
            confidence=None,
            expected_version=1,
        )
    conflict_despite_assignment(expert, assignment.nomination)
    with pytest.raises(ScoringError):
        _save(assignment, expert, crit, [5])

    assert not Review.objects.exists()


# --- Ranking --------------------------------------------------------------------------------


def test_ranking_numbers_equal_review_scoring_on_the_same_data():
    edition = preliminary_edition()
    ce = criteria(edition)
    Criterion.objects.filter(pk=ce[0].pk).update(weight=Decimal("3"))
    experts = [make_expert(edition, name=n) for n in ("A", "B", "C")]
    entries = [make_entry(edition) for _ in range(3)]
    planned = {
        (0, 0): [8, 7, 9, 6],
        (0, 1): [6, 6, 7, 5],
        (1, 0): [9, 9, 8, 9],
        (1, 2): [7, 8, 8, 7],
        (2, 1): [4, 5, 3, 4],
        (2, 2): [5, 6, 5, 6],
    }
    for (entry_index, expert_index), values in planned.items():
        write_review(assign(experts[expert_index], entries[entry_index]), values)
    # A draft counts for nothing.
    write_review(assign(experts[2], entries[0]), [1, 1, 1, 1], submitted=False)

    data = edition_ranking(edition)

    weights = {c.pk: (3.0 if c.pk == ce[0].pk else 1.0) for c in ce}
    expected = scoring.aggregate(
        (
            entries[e].pk,
            experts[r].pk,
            scoring.weighted_total(dict(zip([c.pk for c in ce], v, strict=True)), weights),
        )
        for (e, r), v in planned.items()
    )
    rows = data.categories[0].rows
    assert [row.nomination.pk for row in rows] == scoring.rank(expected)
    assert [row.rank for row in rows] == [1, 2, 3]
    for row in rows:
        assert row.score == expected[row.nomination.pk]
        assert (row.submitted, row.assigned) == (
            expected[row.nomination.pk].count,
            3 if row.nomination == entries[0] else 2,
        )
    assert sorted(data.categories[0].totals) == sorted(
        t
        for t in (
            scoring.weighted_total(dict(zip([c.pk for c in ce], v, strict=True)), weights)
            for v in planned.values()
        )
    )
    _quality, offsets = scoring.calibrate(
        (
            entries[e].pk,
            experts[r].pk,
            scoring.weighted_total(dict(zip([c.pk for c in ce], v, strict=True)), weights),
        )
        for (e, r), v in planned.items()
    )
    assert {expert.pk: value for expert, value in data.offsets} == pytest.approx(offsets)


# --- Shortlist and finalists ----------------------------------------------------------------


def test_confirm_shortlist_moves_every_entry_through_transition():
    edition = preliminary_edition()
    organiser = UserFactory(roles=["organiser"])
    expert = make_expert(edition)
    first, second, third = (make_entry(edition) for _ in range(3))
    # Assigned but never moved to "in review": the shortlist moves it there first.
    waiting = make_entry(edition, state="eligible")
    assign(expert, waiting)

    outcome = confirm_shortlist(
        category=category(edition),
        shortlisted_ids=[first.pk, waiting.pk],
        actor=organiser,
        acknowledged=True,
        acknowledgement="The last review is not needed.",
    )

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.state, second.state, third.state, waiting.state) == (
        "shortlisted",
        "not_shortlisted",
        "not_shortlisted",
        "shortlisted",
    )
    assert sorted(outcome.shortlisted) == sorted([first.code, waiting.code])
    assert list(
        StateChange.objects.filter(nomination=waiting).values_list("from_state", "to_state")
    ) == [("eligible", "in_review"), ("in_review", "shortlisted")]
    assert AuditEvent.objects.filter(action="review.shortlist_confirmed").count() == 1


def test_a_shortlist_with_missing_reviews_needs_an_acknowledgement_with_a_reason():
    edition = preliminary_edition()
    organiser = UserFactory(roles=["organiser"])
    expert, other = make_expert(edition), make_expert(edition)
    entry = make_entry(edition)
    write_review(assign(expert, entry), [8] * 4)
    assign(other, entry)  # never reviewed: 1 of 2

    with pytest.raises(ShortlistError) as refused:
        confirm_shortlist(category=category(edition), shortlisted_ids=[entry.pk], actor=organiser)
    with pytest.raises(ShortlistError):
        confirm_shortlist(
            category=category(edition),
            shortlisted_ids=[entry.pk],
            actor=organiser,
            acknowledged=True,
            acknowledgement="   ",
        )
    entry.refresh_from_db()
    state_after_refusals = entry.state
    confirm_shortlist(
        category=category(edition),
        shortlisted_ids=[entry.pk],
        actor=organiser,
        acknowledged=True,
        acknowledgement="The second expert withdrew.",
    )

    entry.refresh_from_db()
    event = AuditEvent.objects.get(action="review.shortlist_confirmed")
    assert f"{entry.code} 1/2" in refused.value.message
    assert state_after_refusals == "in_review"
    assert entry.state == "shortlisted"
    assert event.details["missing_reviews"] == {entry.code: {"submitted": 1, "assigned": 2}}
    assert event.details["acknowledgement"] == "The second expert withdrew."


def test_a_shortlist_while_the_review_window_is_open_needs_an_acknowledgement():
    edition = preliminary_edition()
    organiser = UserFactory(roles=["organiser"])
    entry = make_entry(edition)
    write_review(assign(make_expert(edition), entry), [8] * 4)
    window = preliminary_window(edition)
    window.closes_at = timezone.now() + timedelta(days=1)
    window.opens_at = timezone.now() - timedelta(days=1)
    window.save()
    edition = type(edition).objects.get(pk=edition.pk)  # forget the cached window

    # The message is asserted in English, whatever language an earlier test left active.
    with translation.override("en"), pytest.raises(ShortlistError) as refused:
        confirm_shortlist(category=category(edition), shortlisted_ids=[entry.pk], actor=organiser)

    entry.refresh_from_db()
    assert "still open" in refused.value.message
    assert entry.state == "in_review"


def test_shortlist_larger_than_the_category_allows_is_refused():
    edition = preliminary_edition()  # shortlist size 2
    organiser = UserFactory(roles=["organiser"])
    entries = [make_entry(edition) for _ in range(3)]

    with pytest.raises(ShortlistError):
        confirm_shortlist(
            category=category(edition),
            shortlisted_ids=[e.pk for e in entries],
            actor=organiser,
        )

    assert [e.state for e in type(entries[0]).objects.order_by("code")] == ["in_review"] * 3


def test_finalists_are_the_shortlist_and_the_eligible_expert_recommendations():
    edition = preliminary_edition()
    organiser = UserFactory(roles=["organiser"])
    shortlisted = make_entry(edition, state="shortlisted")
    dropped = make_entry(edition, state="not_shortlisted")
    recommended = make_entry(edition, state="eligible", channel="expert")
    returned = make_entry(edition, state="returned", channel="expert")

    codes = confirm_finalists(category=category(edition), actor=organiser)

    assert codes == sorted([shortlisted.code, recommended.code])
    states = {
        n.code: n.state
        for n in type(shortlisted).objects.filter(
            pk__in=[shortlisted.pk, dropped.pk, recommended.pk, returned.pk]
        )
    }
    assert states == {
        shortlisted.code: "finalist",
        dropped.code: "not_shortlisted",
        recommended.code: "finalist",
        returned.code: "returned",
    }


def test_the_finalist_candidates_are_one_query_for_the_service_and_the_ranking():
    edition = preliminary_edition()
    shortlisted = make_entry(edition, state="shortlisted")
    make_entry(edition, state="not_shortlisted")
    recommended = make_entry(edition, state="eligible", channel="expert")
    make_entry(edition, state="eligible")  # a nominator's entry waits for the review
    make_entry(edition, state="returned", channel="expert")

    candidates = finalist_candidates(category(edition))

    assert list(candidates) == sorted([shortlisted, recommended], key=lambda n: n.code)
    ranked = {row.nomination.pk for c in edition_ranking(edition).categories for row in c.rows}
    assert recommended.pk in ranked


# --- Export ---------------------------------------------------------------------------------


def test_xlsx_export_has_bilingual_headers_scores_and_comments():
    edition = preliminary_edition()
    expert = make_expert(edition, name="Li")
    nomination = make_entry(edition)
    write_review(assign(expert, nomination), [8, 7, 9, 6], comment="Promising.", confidence=3)

    workbook = load_workbook(BytesIO(ranking_workbook(edition_ranking(edition))))

    ranking_sheet = workbook["排名 Ranking"]
    assert [c.value for c in ranking_sheet[1]][:3] == [
        "类别\nCategory",
        "排名\nRank",
        "编号\nNumber",
    ]
    row = [c.value for c in ranking_sheet[2]]
    assert row[1:5] == [1, nomination.code, nomination.title_zh, nomination.title_en]
    assert row[5:7] == ["公开征集 Open collection", "评审中 In review"]
    assert row[9] == 7.5
    reviews_sheet = workbook["评审意见 Reviews"]
    headers = [c.value for c in reviews_sheet[1]]
    assert "前瞻性\nForward-looking" in headers
    review_row = dict(zip(headers, [c.value for c in reviews_sheet[2]], strict=True))
    assert review_row["专家（英文）\nExpert (English)"] == "Li Expert"
    assert review_row["前瞻性\nForward-looking"] == 8
    assert review_row["加权总分\nWeighted total"] == 7.5
    assert review_row["评审意见\nComment"] == "Promising."
    assert review_row["把握程度\nConfidence"] == 3
