"""Building the solver's problem from rows, and explaining settings that cannot be met."""

import numpy as np
from django.utils import translation

from review.assignment import AssignmentInfeasible, solve
from review.assignment_data import (
    DEFAULT_WEIGHTS,
    EntryRow,
    ExpertRow,
    affinity_parts,
    build_problem,
    describe_reasons,
    diagnose,
    pairs_to_ids,
    reason_message,
)

ENTRIES = [
    EntryRow(
        id=11, code="2031-CE-001", title_zh="固态电池", title_en="Solid-state cell", direction_id=1
    ),
    EntryRow(
        id=12, code="2031-CE-002", title_zh="燃料电池堆", title_en="Fuel cell stack", direction_id=2
    ),
    EntryRow(
        id=13, code="2031-CE-003", title_zh="无方向", title_en="No direction", direction_id=None
    ),
]
EXPERTS = [
    ExpertRow(id=101, name_zh="张三", name_en="Zhang San", direction_ids=frozenset({1})),
    ExpertRow(
        id=102,
        name_zh="李四",
        name_en="Li Si",
        direction_ids=frozenset({2}),
        bids=frozenset({(11, 2)}),  # eager
    ),
    ExpertRow(id=103, name_zh="王五", name_en="Wang Wu", direction_ids=frozenset()),
]


def test_without_text_affinity_is_the_direction_weight_for_a_match_and_zero_otherwise():
    combined = affinity_parts(ENTRIES, EXPERTS).combined(DEFAULT_WEIGHTS)

    assert combined[:, 0].tolist() == [DEFAULT_WEIGHTS.direction, 0.0, 0.0]


def test_an_eager_bid_adds_its_weight_which_stays_below_a_direction_match():
    parts = affinity_parts(ENTRIES, EXPERTS)

    assert parts.combined(DEFAULT_WEIGHTS)[0, 1] == DEFAULT_WEIGHTS.bid
    assert DEFAULT_WEIGHTS.bid < DEFAULT_WEIGHTS.direction
    assert parts.explain(0, 1, DEFAULT_WEIGHTS) == {
        "direction": False,
        "text": None,  # no comparable text
        "bid": 2,
        "total": DEFAULT_WEIGHTS.bid,
        "strong": False,
    }


def test_build_problem_indexes_rows_and_maps_pairs_given_by_ids():
    problem = build_problem(
        ENTRIES,
        EXPERTS,
        per_entry=2,
        forbidden=[(101, 12), (999, 11)],  # an unknown expert is ignored
        pinned=[(103, 13)],
    )

    assert problem.affinity.shape == (3, 3)
    assert np.array_equal(
        problem.affinity,
        np.array([[1.0, DEFAULT_WEIGHTS.bid, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    )
    assert problem.forbidden == frozenset({(1, 0)})
    assert problem.pinned == frozenset({(2, 2)})
    # 3 entries x 2 = 6 reviews over 3 experts: exactly 2 each.
    assert (problem.min_load, problem.max_load) == (2, 2)


def test_explicit_load_bounds_are_kept():
    problem = build_problem(ENTRIES, EXPERTS, per_entry=1, min_load=0, max_load=3)

    assert (problem.min_load, problem.max_load) == (0, 3)


def test_solution_pairs_come_back_as_expert_and_nomination_ids():
    problem = build_problem(ENTRIES, EXPERTS, per_entry=1)

    result = solve(problem)

    assert sorted(pairs_to_ids(result.pairs, ENTRIES, EXPERTS)) == [(101, 11), (102, 12), (103, 13)]


def test_too_few_experts_is_described_with_the_entry_code_title_and_numbers():
    problem = build_problem(ENTRIES, EXPERTS, per_entry=3, forbidden=[(101, 11)])
    try:
        solve(problem)
    except AssignmentInfeasible as infeasible:
        described = describe_reasons(infeasible.reasons, ENTRIES, EXPERTS)
    else:  # pragma: no cover - the test needs the failure
        raise AssertionError("expected infeasible")

    too_few = [r for r in described if r["kind"] == "too_few_experts"]
    assert too_few == [
        {
            "kind": "too_few_experts",
            "available": 2,
            "needed": 3,
            "entry_code": "2031-CE-001",
            "entry_title_zh": "固态电池",
            "entry_title_en": "Solid-state cell",
        }
    ]
    with translation.override("en"):
        english = reason_message(too_few[0])
    with translation.override("zh-hans"):
        chinese = reason_message(too_few[0])
    assert english == (
        "Entry 2031-CE-001 “Solid-state cell” needs 3 experts but only 2 are free of conflicts "
        "and forbidden pairs."
    )
    assert "2031-CE-001" in chinese and "固态电池" in chinese and "3" in chinese and "2" in chinese
    assert chinese != english


def test_loads_that_do_not_add_up_are_explained_with_the_numbers():
    reason = {
        "kind": "loads_do_not_add_up",
        "reviews_needed": 15,
        "experts": 3,
        "min_load": 1,
        "max_load": 2,
    }

    with translation.override("en"):
        message = reason_message(reason)

    assert message == (
        "15 reviews are needed, but 3 experts with loads between 1 and 2 can take only 3 to 6."
    )


def test_an_expert_overloaded_by_pins_is_named_with_the_remedy():
    described = describe_reasons(
        [{"kind": "expert_overloaded_by_pins", "expert": 1, "pinned": 3, "max_load": 2}],
        ENTRIES,
        EXPERTS,
    )

    with translation.override("zh-hans"):
        chinese = reason_message(described[0])
    with translation.override("en"):
        english = reason_message(described[0])

    assert english == (
        "Li Si is pinned to 3 entries, more than the maximum load of 2: unpin 1 of them, or "
        "raise the maximum load to at least 3."
    )
    assert chinese == (
        "李四 被固定分配了 3 个项目，超过最多评审数 2："
        "请取消其中 1 个的固定，或将最多评审数提高到至少 3。"
    )


def _infeasible_reasons(problem):
    try:
        solve(problem)
    except AssignmentInfeasible as infeasible:
        return infeasible.reasons
    raise AssertionError("expected infeasible")  # pragma: no cover


def test_an_expert_who_cannot_reach_the_minimum_load_is_named():
    # Wang Wu may review nothing, yet balanced loads ask 1 of everyone.
    problem = build_problem(ENTRIES[:2], EXPERTS, per_entry=2, forbidden=[(103, 11), (103, 12)])
    assert _infeasible_reasons(problem) == [{"kind": "no_feasible_assignment"}]

    described = describe_reasons(diagnose(problem), ENTRIES[:2], EXPERTS)

    assert described == [
        {
            "kind": "expert_below_min_load",
            "allowed": 0,
            "min_load": 1,
            "expert_name_zh": "王五",
            "expert_name_en": "Wang Wu",
        }
    ]
    with translation.override("en"):
        assert reason_message(described[0]) == (
            "Wang Wu may review only 0 entries (conflicts and forbidden pairs), fewer than the "
            "minimum load of 1."
        )


def test_entries_left_short_within_the_maximum_loads_are_named():
    # Both entries can only go to Zhang San and Li Si, who take at most 1 each: 2 of 4 reviews.
    problem = build_problem(
        ENTRIES[:2],
        EXPERTS,
        per_entry=2,
        min_load=0,
        max_load=1,
        forbidden=[(103, 11), (103, 12)],
    )
    assert _infeasible_reasons(problem) == [
        {
            "kind": "loads_do_not_add_up",
            "reviews_needed": 4,
            "experts": 3,
            "min_load": 0,
            "max_load": 1,
        }
    ]

    reasons = diagnose(problem)

    assert reasons[0] == {"kind": "reviews_cannot_be_placed", "placed": 2, "needed": 4}
    short = [r for r in reasons if r["kind"] == "entry_left_short"]
    # Whichever way the two reviews are placed, what the short entries got adds up with the
    # full ones to the two placed.
    full = 2 - len(short)
    assert short and all(r["got"] < r["needed"] == 2 for r in short)
    assert sum(r["got"] for r in short) + 2 * full == 2
    with translation.override("zh-hans"):
        message = reason_message(describe_reasons(short, ENTRIES[:2], EXPERTS)[0])
    assert message.startswith("参评项目 2031-CE-00")
