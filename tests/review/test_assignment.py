"""The assignment solver: its guarantees, checked on random instances against an independent LP."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from review.assignment import (
    AssignmentInfeasible,
    AssignmentProblem,
    balanced_loads,
    best_coverage,
    solve,
)


@st.composite
def problems(draw):
    entries = draw(st.integers(1, 12))
    experts = draw(st.integers(2, 8))
    per_entry = draw(st.integers(1, min(3, experts - 1)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Few distinct values make ties common, as direction-match affinities do in real editions.
    affinity = rng.integers(0, 4, size=(entries, experts)).astype(float)
    forbidden = set()
    for e in range(entries):
        # Keep at least per_entry + 1 experts open for every entry.
        closable = rng.permutation(experts)[: experts - per_entry - 1]
        forbidden.update((e, int(x)) for x in closable if rng.random() < 0.2)
    min_load, max_load = balanced_loads(entries, experts, per_entry)
    slack = draw(st.integers(0, 1))
    return AssignmentProblem(
        affinity, per_entry, max(0, min_load - slack), max_load + slack, frozenset(forbidden)
    )


def independent_optimum(problem: AssignmentProblem) -> float | None:
    """The LP optimum on every pair, by scipy's HiGHS through a different interface."""
    entries, experts = problem.shape
    n = entries * experts
    cost = -problem.affinity.ravel()
    a_eq = np.zeros((entries, n))
    for e in range(entries):
        a_eq[e, e * experts : (e + 1) * experts] = 1
    a_load = np.zeros((experts, n))
    for x in range(experts):
        a_load[x, x::experts] = 1
    bounds = [
        (0, 0) if (i // experts, i % experts) in problem.forbidden else (0, 1) for i in range(n)
    ]
    result = linprog(
        cost,
        A_ub=np.vstack([a_load, -a_load]),
        b_ub=np.concatenate(
            [np.full(experts, problem.max_load), np.full(experts, -problem.min_load)]
        ),
        A_eq=a_eq,
        b_eq=np.full(entries, problem.per_entry),
        bounds=bounds,
        method="highs",
    )
    return -result.fun if result.status == 0 else None


def assert_valid(problem: AssignmentProblem, pairs: list[tuple[int, int]]) -> None:
    entries, experts = problem.shape
    assert len(set(pairs)) == len(pairs)
    per_entry = np.bincount([e for e, _x in pairs], minlength=entries)
    loads = np.bincount([x for _e, x in pairs], minlength=experts)
    assert per_entry.tolist() == [problem.per_entry] * entries
    assert loads.min() >= problem.min_load
    assert loads.max() <= problem.max_load
    assert not set(pairs) & problem.forbidden


@settings(max_examples=150, deadline=None)
@given(problems())
def test_assignment_is_valid_and_optimal_against_an_independent_lp(problem):
    expected = independent_optimum(problem)
    if expected is None:
        with pytest.raises(AssignmentInfeasible):
            solve(problem)
        return

    result = solve(problem)

    assert_valid(problem, result.pairs)
    assert result.objective == pytest.approx(expected, abs=1e-6)
    assert result.bound == pytest.approx(result.objective, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_pricing_recovers_the_optimum_from_too_few_candidates(problem):
    """Start from one candidate per entry: only the dual pricing can find the optimum."""
    expected = independent_optimum(problem)
    if expected is None:
        return

    result = solve(problem, candidates_per_entry=1)

    assert_valid(problem, result.pairs)
    assert result.objective == pytest.approx(expected, abs=1e-6)


def test_pinned_pairs_are_kept_even_against_affinity():
    affinity = np.array([[0.0, 9.0, 9.0], [9.0, 9.0, 0.0]])
    problem = AssignmentProblem(affinity, 1, 0, 1, pinned=frozenset({(0, 0)}))

    result = solve(problem)

    assert result.pairs == [(0, 0), (1, 1)]


def test_the_dual_bound_is_never_below_the_objective_at_scale():
    rng = np.random.default_rng(7)
    affinity = rng.random((400, 60))
    problem = AssignmentProblem(affinity, 3, *balanced_loads(400, 60, 3))

    result = solve(problem)

    assert_valid(problem, result.pairs)
    assert result.bound >= result.objective - 1e-6
    assert result.bound - result.objective < 1e-6


def test_an_entry_with_too_few_unconflicted_experts_is_named_with_its_numbers():
    affinity = np.ones((3, 4))
    forbidden = frozenset({(2, 0), (2, 1)})
    problem = AssignmentProblem(affinity, 3, 0, 3, forbidden)

    with pytest.raises(AssignmentInfeasible) as raised:
        solve(problem)

    assert raised.value.reasons == [
        {"kind": "too_few_experts", "entry": 2, "available": 2, "needed": 3}
    ]


def test_loads_that_cannot_add_up_are_explained():
    problem = AssignmentProblem(np.ones((10, 4)), 2, 0, 4)

    with pytest.raises(AssignmentInfeasible) as raised:
        solve(problem)

    assert raised.value.reasons == [
        {
            "kind": "loads_do_not_add_up",
            "reviews_needed": 20,
            "experts": 4,
            "min_load": 0,
            "max_load": 4,
        }
    ]


def test_balanced_loads_differ_by_at_most_one():
    assert balanced_loads(125, 31, 5) == (20, 21)
    assert balanced_loads(2000, 300, 3) == (20, 20)


# Four threads solve while the main thread writes to file descriptor 1: every line arrives and
# nothing else does (no licence banner, no solver log), so no thread's output is redirected.
SOLVING_IN_THREADS = """
import os, threading
import numpy as np
from review.assignment import AssignmentProblem, balanced_loads, solve
problem = AssignmentProblem(
    np.random.default_rng(1).random((60, 12)), 3, *balanced_loads(60, 12, 3)
)
objectives = []
threads = [
    threading.Thread(target=lambda: objectives.append(solve(problem).objective))
    for _ in range(4)
]
for thread in threads:
    thread.start()
for number in range(300):
    os.write(1, b"line %d\\n" % number)
for thread in threads:
    thread.join()
print(len(objectives), len(set(round(o, 9) for o in objectives)))
"""


def test_the_solver_prints_nothing_and_leaves_the_process_output_alone():
    root = Path(__file__).resolve().parents[2]

    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SOLVING_IN_THREADS],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=100,
        check=True,
    )

    expected = "".join(f"line {number}\n" for number in range(300)) + "4 1\n"
    assert run.stdout == expected
    assert run.stderr == ""


def test_best_coverage_places_as_many_reviews_as_the_maximum_loads_allow():
    # Three entries want 2 experts each; two experts take at most 2 each: 4 of 6 places.
    problem = AssignmentProblem(np.zeros((3, 2)), 2, 0, 2, pinned=frozenset({(2, 0), (2, 1)}))
    pair_entry, pair_expert = np.nonzero(np.ones((3, 2), dtype=bool))

    coverage = best_coverage(problem, pair_entry, pair_expert)

    assert coverage is not None
    assert int(coverage.sum()) == 4
    assert coverage[2] == 2  # the pinned pairs are kept


# With file descriptor 1 closed, a solver that redirected it (dup, dup2) would fail; one that
# leaves the process's descriptors alone solves as usual.
SOLVING_WITHOUT_STDOUT = """
import os
import numpy as np
from review.assignment import AssignmentProblem, balanced_loads, solve
os.close(1)
problem = AssignmentProblem(np.random.default_rng(1).random((20, 6)), 2, *balanced_loads(20, 6, 2))
os.write(2, b"%d pairs" % len(solve(problem).pairs))
"""


def test_the_solver_never_touches_file_descriptor_1():
    root = Path(__file__).resolve().parents[2]

    run = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SOLVING_WITHOUT_STDOUT],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )

    assert (run.returncode, run.stderr) == (0, "40 pairs")
