"""How well an assignment matches experts to the fields of their entries: pure, no Django.

Measured per entry: its reviewers whose directions include its direction, its reviewers who
know its field (direction and text reach the threshold), and how strong their text affinity is.
Over the edition: the share of assigned pairs whose text affinity is in the top quarter of the
entry's candidates, the direction-match coverage, and the entries left with fewer than m experts
who know their field. `direction_only` solves the same problem as the portal did before text and
bids counted (1 for a direction match, nothing else), for the comparison.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from .assignment import AssignmentProblem, solve
from .assignment_data import AffinityParts, Weights


@dataclass(frozen=True)
class EntryQuality:
    index: int
    reviewers: int
    direction_matches: int
    strong: int
    mean_text: float | None  # None: no reviewer with comparable text


def _top_quarter(parts: AffinityParts, allowed: np.ndarray) -> np.ndarray:
    """Per entry, the text affinity at the 75th percentile of its allowed comparable experts."""
    text = np.where(parts.comparable & allowed, parts.text, np.nan)
    with np.errstate(all="ignore"):
        rows_with_text = ~np.isnan(text).all(axis=1)
        threshold = np.full(text.shape[0], np.inf)
        if rows_with_text.any():
            threshold[rows_with_text] = np.nanquantile(text[rows_with_text], 0.75, axis=1)
    return threshold


def measure(
    parts: AffinityParts,
    weights: Weights,
    pairs: Iterable[tuple[int, int]],
    *,
    allowed: np.ndarray | None = None,
) -> dict:
    """The edition's figures and each entry's, for the (entry index, expert index) pairs."""
    entries = parts.direction.shape[0]
    allowed = np.ones(parts.direction.shape, dtype=bool) if allowed is None else allowed
    strong = parts.strong(weights)
    threshold = _top_quarter(parts, allowed)
    pairs = list(pairs)
    per_entry: list[list[tuple[int, int]]] = [[] for _ in range(entries)]
    for e, x in pairs:
        per_entry[e].append((e, x))
    rows = []
    top_quarter = comparable_pairs = direction_pairs = 0
    for e, assigned in enumerate(per_entry):
        texts = [float(parts.text[p]) for p in assigned if parts.comparable[p]]
        rows.append(
            EntryQuality(
                index=e,
                reviewers=len(assigned),
                direction_matches=int(sum(bool(parts.direction[p]) for p in assigned)),
                strong=int(sum(bool(strong[p]) for p in assigned)),
                mean_text=round(sum(texts) / len(texts), 3) if texts else None,
            )
        )
        direction_pairs += rows[-1].direction_matches
        comparable_pairs += len(texts)
        top_quarter += sum(
            1 for p in assigned if parts.comparable[p] and parts.text[p] >= threshold[e] - 1e-9
        )
    m = weights.strong_minimum
    strong_counts = [row.strong for row in rows]
    histogram = np.bincount(strong_counts, minlength=1).tolist() if rows else [0]
    return {
        "pairs": len(pairs),
        "top_quarter_share": round(top_quarter / comparable_pairs, 4) if comparable_pairs else None,
        "direction_coverage": round(direction_pairs / len(pairs), 4) if pairs else None,
        "entries_with_direction_match": sum(1 for row in rows if row.direction_matches),
        "entries_short_of_strong": sum(1 for row in rows if row.strong < m),
        "strong_histogram": [int(v) for v in histogram],
        "rows": rows,
    }


def figures(measured: dict) -> dict:
    """The JSON-ready edition figures (without the per-entry rows)."""
    return {key: value for key, value in measured.items() if key != "rows"}


def direction_only(problem: AssignmentProblem, parts: AffinityParts) -> list[tuple[int, int]]:
    """The assignment the portal made before text and bids counted, on the same constraints."""
    baseline = replace(
        problem, affinity=parts.direction.astype(np.float64), strong=None, strong_minimum=0
    )
    return solve(baseline).pairs


def worst_served(rows: list[EntryQuality], count: int = 10) -> list[EntryQuality]:
    """Fewest experts who know the field first, then the weakest text affinity."""
    return sorted(
        rows,
        key=lambda row: (
            row.strong,
            row.direction_matches,
            -1.0 if row.mean_text is None else row.mean_text,
            row.index,
        ),
    )[:count]


def histogram_chart(
    chosen: list[int], baseline: list[int], *, width: int = 360, height: int = 180
) -> dict:
    """Grouped bars: entries by their number of experts who know the field, both assignments."""
    buckets = max(len(chosen), len(baseline))
    chosen = chosen + [0] * (buckets - len(chosen))
    baseline = baseline + [0] * (buckets - len(baseline))
    top = max([*chosen, *baseline, 1])
    left, bottom, plot_top = 30.0, height - 24.0, 10.0
    group = (width - left - 10) / max(buckets, 1)
    bar = group * 0.38
    groups = []
    for b in range(buckets):
        x = left + b * group + group * 0.1
        bars = []
        for offset, value, kind in ((0.0, baseline[b], "baseline"), (bar, chosen[b], "chosen")):
            h = (bottom - plot_top) * value / top
            bars.append(
                {
                    "x": round(x + offset, 1),
                    "y": round(bottom - h, 1),
                    "width": round(bar, 1),
                    "height": round(h, 1),
                    "value": value,
                    "kind": kind,
                }
            )
        groups.append({"label": str(b), "label_x": round(x + bar, 1), "bars": bars})
    return {
        "width": width,
        "height": height,
        "groups": groups,
        "bottom": bottom,
        "left": left,
        "top_value": top,
        "label_y": height - 8,
    }
