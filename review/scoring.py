"""Scores of the preliminary evaluation. Pure: plain data in, plain data out.

A review gives each criterion of its category a score on a 1–10 scale; its total is the
weighted mean of those scores. Per entry we report the mean, median and spread of the totals,
how many there are, and a calibrated score.

Calibration (advisory, shown beside the raw score, never instead of it): some experts score
everything higher than others. We fit  total[r, e] = quality[e] + offset[r] + noise  by least
squares with the offsets of each connected group of experts summing to zero, and report
quality[e]. An expert who is three points more lenient than the rest no longer lifts only the
entries that happened to be assigned to them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

# Entries, experts and criteria are whatever keys the caller uses (ids in the portal).
E = TypeVar("E", bound=Hashable)
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

SCALE_MIN = 1
SCALE_MAX = 10


def weighted_total(scores: Mapping[C, float], weights: Mapping[C, float]) -> float:
    """The weighted mean of one review's criterion scores (on the 1–10 scale)."""
    if set(scores) != set(weights):
        raise ValueError("a score is needed for every criterion, and only for those")
    total_weight = sum(weights.values())
    if total_weight <= 0:
        raise ValueError("the weights must add up to more than zero")
    return sum(scores[c] * weights[c] for c in weights) / total_weight


@dataclass(frozen=True)
class EntryScore(Generic[E]):
    entry: E
    count: int
    mean: float
    median: float
    spread: float  # population standard deviation of the totals
    calibrated: float | None  # None when the entry has no reviews to calibrate


def calibrate(
    reviews: Iterable[tuple[E, R, float]],
) -> tuple[dict[E, float], dict[R, float]]:
    """Least-squares fit of entry quality and expert offset from (entry, expert, total) triples.

    Eliminating each entry's quality leaves a small linear system in the experts' offsets
    (one row per expert). It is singular along each connected group of experts (adding a
    constant to a group's offsets and subtracting it from their entries changes nothing); the
    minimum-norm solution picks offsets that sum to zero within each group.
    """
    reviews = list(reviews)
    if not reviews:
        return {}, {}
    entries = sorted({e for e, _r, _s in reviews}, key=repr)
    experts = sorted({r for _e, r, _s in reviews}, key=repr)
    expert_index = {r: i for i, r in enumerate(experts)}
    by_entry: dict[E, list[tuple[int, float]]] = defaultdict(list)
    for entry, expert, total in reviews:
        by_entry[entry].append((expert_index[expert], float(total)))

    size = len(experts)
    system = np.zeros((size, size))
    rhs = np.zeros(size)
    for entry_reviews in by_entry.values():
        n = len(entry_reviews)
        entry_mean = sum(total for _r, total in entry_reviews) / n
        for r, total in entry_reviews:
            system[r, r] += 1.0
            rhs[r] += total - entry_mean
            for r_other, _t in entry_reviews:
                system[r, r_other] -= 1.0 / n
    offsets_vector = np.linalg.lstsq(system, rhs, rcond=None)[0]
    offsets = {expert: float(offsets_vector[i]) for expert, i in expert_index.items()}
    quality = {
        entry: sum(total - offsets_vector[r] for r, total in by_entry[entry]) / len(by_entry[entry])
        for entry in entries
    }
    return quality, offsets


def aggregate(reviews: Iterable[tuple[E, R, float]]) -> dict[E, EntryScore[E]]:
    """Per entry: count, mean, median, spread and calibrated score of its review totals."""
    reviews = list(reviews)
    totals: dict[E, list[float]] = defaultdict(list)
    for entry, _expert, total in reviews:
        totals[entry].append(float(total))
    quality, _offsets = calibrate(reviews)
    return {
        entry: EntryScore(
            entry=entry,
            count=len(values),
            mean=statistics.fmean(values),
            median=statistics.median(values),
            spread=statistics.pstdev(values),
            calibrated=quality.get(entry),
        )
        for entry, values in totals.items()
    }


def rank(scores: Mapping[E, EntryScore[E]]) -> list[E]:
    """Entries by raw mean, best first; ties by median, then by entry, so the order is stable."""
    return sorted(scores, key=lambda e: (-scores[e].mean, -scores[e].median, repr(e)))
