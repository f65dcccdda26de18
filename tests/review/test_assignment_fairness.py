"""The fairness stage: first as many places of experts who know the field (up to m per entry),
then the total; both proved by the dual, checked against an independent integer program."""

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from review.assignment import AssignmentProblem, solve
from tests.review.test_assignment import assert_valid, problems


@st.composite
def fair_problems(draw):
    problem = draw(problems())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    strong = rng.random(problem.shape) < draw(st.sampled_from([0.15, 0.35, 0.6]))
    return replace(problem, strong=strong, strong_minimum=draw(st.integers(1, 3)))


def lexicographic_optimum(problem: AssignmentProblem) -> tuple[int, float] | None:
    """(most strong places, then most affinity) by two integer programs over every pair."""
    entries, experts = problem.shape
    k, m = problem.per_entry, min(problem.strong_minimum, problem.per_entry)
    n = entries * experts
    rows, lower, upper = [], [], []
    for e in range(entries):
        row = np.zeros(n + entries)
        row[e * experts : (e + 1) * experts] = 1
        rows.append(row), lower.append(k), upper.append(k)
    for x in range(experts):
        row = np.zeros(n + entries)
        row[x:n:experts] = 1
        rows.append(row), lower.append(problem.min_load), upper.append(problem.max_load)
    for e in range(entries):
        row = np.zeros(n + entries)
        row[n + e] = 1
        row[e * experts : (e + 1) * experts] = -problem.strong[e].astype(float)
        rows.append(row), lower.append(-np.inf), upper.append(0)
    high = np.ones(n + entries)
    high[n:] = m
    for e, x in problem.forbidden:
        high[e * experts + x] = 0
    integral = np.ones(n + entries)
    places = np.concatenate([np.zeros(n), np.ones(entries)])
    first = milp(
        -places,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        bounds=Bounds(0, high),
        integrality=integral,
    )
    if first.status != 0:
        return None
    best_places = round(-first.fun)
    second = milp(
        np.concatenate([-problem.affinity.ravel(), np.zeros(entries)]),
        constraints=LinearConstraint(
            np.array([*rows, places]), [*lower, best_places], [*upper, np.inf]
        ),
        bounds=Bounds(0, high),
        integrality=integral,
    )
    return best_places, -second.fun


@settings(max_examples=80, deadline=None)
@given(fair_problems())
def test_fairness_first_then_total_both_proved(problem):
    expected = lexicographic_optimum(problem)
    if expected is None:
        return
    result = solve(problem)

    assert_valid(problem, result.pairs)
    assert result.strong_places == expected[0]
    assert result.strong_places_bound == expected[0]
    assert abs(result.objective - expected[1]) < 1e-6
    assert result.bound - result.objective < 1e-6


def test_an_entry_is_not_left_to_outsiders_while_a_better_split_exists():
    # Two entries, three experts, one each. Expert 0 knows both fields; expert 1 knows only
    # entry 1's (and said "unwilling", hence the low affinity); expert 2 knows neither. The
    # total alone sends expert 0 to entry 1 and an outsider to entry 0 (1.0 + 0.45 over
    # 0.5 + 0.3); the fairness stage gives each entry an expert of its field.
    affinity = np.array([[0.5, 0.0, 0.45], [1.0, 0.3, 0.0]])
    strong = np.array([[True, False, False], [True, True, False]])
    problem = AssignmentProblem(affinity, 1, 0, 1, strong=strong, strong_minimum=1)

    plain = solve(replace(problem, strong=None, strong_minimum=0))
    fair = solve(problem)

    assert plain.pairs == [(0, 2), (1, 0)]
    assert fair.pairs == [(0, 0), (1, 1)]
    assert (fair.strong_places, fair.strong_places_bound, fair.entries_short_of_strong) == (
        2,
        2,
        0,
    )


def test_every_expert_unwilling_still_assigns_and_reports_the_shortfall():
    # A negative affinity everywhere (all unwilling, no field known): still assigned.
    affinity = np.full((3, 3), -0.25)
    problem = AssignmentProblem(
        affinity, 2, 2, 2, strong=np.zeros((3, 3), dtype=bool), strong_minimum=2
    )

    result = solve(problem)

    assert len(result.pairs) == 6
    assert (result.strong_places, result.entries_short_of_strong) == (0, 3)
    assert result.bound - result.objective < 1e-6
