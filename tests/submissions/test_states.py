"""The transition table: exactly the moves DESIGN.md lists, and nothing else."""

import itertools

import pytest

from submissions.states import (
    TRANSITIONS,
    Actor,
    Channel,
    NominationState,
    can_transition,
    targets_from,
)

S = NominationState
ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.RETURNED),
    (S.SUBMITTED, S.ELIGIBLE),
    (S.SUBMITTED, S.INELIGIBLE),
    (S.RETURNED, S.SUBMITTED),
    (S.ELIGIBLE, S.IN_REVIEW),
    (S.IN_REVIEW, S.SHORTLISTED),
    (S.IN_REVIEW, S.NOT_SHORTLISTED),
    (S.SHORTLISTED, S.FINALIST),
    (S.ELIGIBLE, S.FINALIST),
    (S.FINALIST, S.WINNER),
    (S.FINALIST, S.NOT_SELECTED),
    (S.DRAFT, S.WITHDRAWN),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.RETURNED, S.WITHDRAWN),
    (S.ELIGIBLE, S.WITHDRAWN),
}
ALL_PAIRS = list(itertools.product(S.values, repeat=2))


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_every_pair_is_allowed_exactly_when_the_table_lists_it(source, target):
    assert can_transition(source, target) == ((source, target) in ALLOWED)


def test_the_table_has_no_duplicates():
    pairs = [(t.source, t.target) for t in TRANSITIONS]

    assert len(pairs) == len(set(pairs)) == len(ALLOWED)


@pytest.mark.parametrize(
    ("source", "target", "actor"),
    [
        (S.DRAFT, S.SUBMITTED, Actor.NOMINATOR),
        (S.RETURNED, S.SUBMITTED, Actor.NOMINATOR),
        (S.SUBMITTED, S.ELIGIBLE, Actor.ORGANISER),
        (S.SUBMITTED, S.RETURNED, Actor.ORGANISER),
        (S.SUBMITTED, S.INELIGIBLE, Actor.ORGANISER),
        (S.ELIGIBLE, S.IN_REVIEW, Actor.SYSTEM),
        (S.FINALIST, S.WINNER, Actor.SYSTEM),
        (S.ELIGIBLE, S.WITHDRAWN, Actor.NOMINATOR),
    ],
)
def test_who_may_perform_a_transition(source, target, actor):
    others = set(Actor.values) - {actor}

    assert can_transition(source, target, actor=actor)
    # The formal check and submission are each one party's alone.
    if target in (S.SUBMITTED, S.ELIGIBLE, S.RETURNED, S.INELIGIBLE, S.WITHDRAWN):
        assert not any(can_transition(source, target, actor=other) for other in others)


def test_a_nominator_cannot_decide_the_formal_check():
    assert not can_transition(S.SUBMITTED, S.ELIGIBLE, actor=Actor.NOMINATOR)


def test_only_expert_recommendations_go_from_eligible_straight_to_the_finalists():
    assert can_transition(S.ELIGIBLE, S.FINALIST, channel=Channel.EXPERT)
    assert not can_transition(S.ELIGIBLE, S.FINALIST, channel=Channel.OPEN)
    assert not can_transition(S.ELIGIBLE, S.FINALIST, channel=Channel.SECRETARIAT)


def test_targets_from_submitted_are_the_formal_check_outcomes_and_withdrawal():
    assert sorted(targets_from(S.SUBMITTED)) == sorted(
        [S.RETURNED, S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN]
    )


def test_final_states_lead_nowhere():
    for state in (S.WINNER, S.NOT_SELECTED, S.WITHDRAWN, S.INELIGIBLE, S.NOT_SHORTLISTED):
        assert targets_from(state) == []
