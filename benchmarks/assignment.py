"""Reviewer assignment at scale: random affinities over all pairs, 1% of pairs in conflict,
loads balanced within one, with the fairness stage (pairs of affinity >= --strong-threshold
"know the field"; each entry should get --strong-minimum of them). Prints one JSON object.

    .venv/bin/python benchmarks/assignment.py --entries 20000 --experts 2000 --per-entry 3 --seed 1
"""

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review.assignment import AssignmentProblem, balanced_loads, solve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=125)
    parser.add_argument("--experts", type=int, default=31)
    parser.add_argument("--per-entry", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--strong-threshold", type=float, default=0.8)
    parser.add_argument("--strong-minimum", type=int, default=2, help="0: no fairness stage")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    n, m, k = args.entries, args.experts, args.per_entry
    affinity = rng.random((n, m))
    conflicted = rng.choice(n * m, size=int(0.01 * n * m), replace=False)
    forbidden = frozenset(zip((conflicted // m).tolist(), (conflicted % m).tolist(), strict=True))
    min_load, max_load = balanced_loads(n, m, k)
    strong = affinity >= args.strong_threshold if args.strong_minimum else None
    problem = AssignmentProblem(
        affinity,
        k,
        min_load,
        max_load,
        forbidden,
        strong=strong,
        strong_minimum=args.strong_minimum,
    )

    started = time.perf_counter()
    result = solve(problem)
    seconds = time.perf_counter() - started

    summary = result.summary()
    per_entry = np.bincount([e for e, _x in result.pairs], minlength=n)
    print(
        json.dumps(
            {
                "entries": n,
                "experts": m,
                "per_entry": k,
                "seed": args.seed,
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "objective": summary["objective"],
                "bound": summary["bound"],
                "optimal": summary["bound"] - summary["objective"]
                <= 1e-6 * max(1.0, summary["objective"]),
                "conflicts_assigned": sum(pair in forbidden for pair in result.pairs),
                "entries_with_k": int((per_entry == k).sum()),
                "load_min": summary["load_min"],
                "load_max": summary["load_max"],
                "mean_affinity": summary["mean_affinity"],
                "rounds": summary["rounds"],
                "candidates": summary["candidates"],
                "strong_minimum": args.strong_minimum,
                "strong_places": summary.get("strong_places"),
                "strong_places_bound": summary.get("strong_places_bound"),
                "entries_short_of_strong": summary.get("entries_short_of_strong"),
            }
        )
    )


if __name__ == "__main__":
    main()
