"""Scoring: weighted totals, per-entry aggregates, and calibration that recovers planted offsets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.assignment import AssignmentProblem, balanced_loads, solve
from review.scoring import aggregate, calibrate, rank, weighted_total


def test_weighted_total_is_the_weighted_mean():
    assert weighted_total({"a": 8, "b": 4}, {"a": 3, "b": 1}) == 7.0


def test_weighted_total_needs_every_criterion():
    with pytest.raises(ValueError):
        weighted_total({"a": 8}, {"a": 1, "b": 1})


def test_aggregate_reports_mean_median_spread_and_count():
    reviews = [("E1", "r1", 6.0), ("E1", "r2", 8.0), ("E1", "r3", 10.0), ("E2", "r1", 5.0)]

    scores = aggregate(reviews)

    e1 = scores["E1"]
    assert (e1.count, e1.mean, e1.median) == (3, 8.0, 8.0)
    assert e1.spread == pytest.approx(np.std([6, 8, 10]))
    assert rank(scores) == ["E1", "E2"]


def synthetic_reviews(seed: int, entries: int = 125, experts: int = 31, per_entry: int = 5):
    """Reviews from an optimal assignment, with true qualities, planted offsets and noise."""
    rng = np.random.default_rng(seed)
    quality = rng.uniform(3, 8, size=entries)
    offsets = rng.normal(0, 1.2, size=experts)
    offsets -= offsets.mean()
    problem = AssignmentProblem(
        rng.random((entries, experts)), per_entry, *balanced_loads(entries, experts, per_entry)
    )
    pairs = solve(problem).pairs
    noise = rng.normal(0, 0.1, size=len(pairs))
    reviews = [(e, x, quality[e] + offsets[x] + noise[i]) for i, (e, x) in enumerate(pairs)]
    return reviews, quality, offsets


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 10_000))
def test_calibration_recovers_planted_reviewer_offsets(seed):
    reviews, quality, offsets = synthetic_reviews(seed)

    fitted_quality, fitted_offsets = calibrate(reviews)

    recovered = np.array([fitted_offsets[x] for x in range(len(offsets))])
    assert np.abs(recovered - offsets).max() < 0.15
    fitted = np.array([fitted_quality[e] for e in range(len(quality))])
    scores = aggregate(reviews)
    raw = np.array([scores[e].mean for e in range(len(quality))])
    # Calibrated scores sit closer to the truth than raw means do.
    assert np.abs(fitted - quality).mean() < np.abs(raw - quality).mean()


def test_offsets_sum_to_zero_within_each_group_of_experts():
    # Two groups that never review the same entry.
    reviews = [("A", "r1", 9), ("A", "r2", 7), ("B", "r3", 4), ("B", "r4", 2)]

    _quality, offsets = calibrate(reviews)

    assert offsets["r1"] + offsets["r2"] == pytest.approx(0, abs=1e-9)
    assert offsets["r3"] + offsets["r4"] == pytest.approx(0, abs=1e-9)
    assert offsets["r1"] == pytest.approx(1.0)
