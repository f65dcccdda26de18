"""Optimal reviewer assignment: a transportation LP solved on candidate pairs, certified by duals.

Pure: plain numpy data in, plain data out; no Django.

The problem: each entry gets exactly `per_entry` experts, each expert's load stays within
[min_load, max_load], forbidden pairs (conflicts, organiser's forbids) are never used, pinned
pairs always are, and the total affinity is maximal. Its constraint matrix is totally
unimodular, so a basic optimal solution of the LP is integral: the LP optimum *is* the optimum
of the assignment, and its dual is a proof.

Scale: 20,000 entries x 2,000 experts is 40 million pairs, too many to hand an LP solver. We
solve on a small candidate set (each entry's best experts, each expert's best entries, the
pinned pairs), then price every left-out pair with the duals. A pair with a positive reduced
profit could improve the objective, so it joins the candidates and we solve again; when none
is left, the candidate optimum is the optimum of the whole instance. The dual objective,
computed over all pairs, is an upper bound at every round, so `bound` is honest even if the
loop were stopped early.

Fairness stage (when `strong` and `strong_minimum` m are given): before the total, as many
entries as possible get m reviewers who know their field ("strong" pairs). Each entry gets a
variable b_e in [0, m] with b_e <= (its strong reviewers), worth a bonus B per unit. This is a
network: the entry's k units split into a strong sub-node (a first arc of capacity m worth B,
a second one worth 0) and direct arcs to the other experts, so the LP stays integral and its
dual stays a proof. B exceeds any difference of total affinity between two assignments
(k x entries x the affinity range), so the optimum is lexicographic: first the number of strong
reviewer places up to m per entry (sum of min(m, strong reviewers)), then the total affinity.
The result reports both values with their bounds from the same dual.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np

# Reduced profits below this count as zero (HiGHS' default dual feasibility tolerance is 1e-7).
PRICING_TOLERANCE = 1e-6
# How many pairs one entry may bring into the candidates per pricing round.
ADDED_PER_ENTRY = 8
# Rows of the affinity matrix priced at a time, to keep temporary arrays small.
PRICING_BLOCK = 2048
MAX_ROUNDS = 50


class AssignmentInfeasible(Exception):
    """The settings cannot be met. `reasons` says which entries or numbers stand in the way."""

    def __init__(self, reasons: list[dict]):
        super().__init__("; ".join(str(reason) for reason in reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class AssignmentProblem:
    affinity: np.ndarray  # (entries, experts): higher is better
    per_entry: int
    min_load: int
    max_load: int
    forbidden: frozenset[tuple[int, int]] = frozenset()  # conflicts and forbidden pairs
    pinned: frozenset[tuple[int, int]] = frozenset()
    # (entries, experts) bool: the expert knows the entry's field; with strong_minimum > 0 the
    # fairness stage comes first (see the module's docstring).
    strong: np.ndarray | None = None
    strong_minimum: int = 0

    @property
    def fairness(self) -> bool:
        return self.strong is not None and min(self.strong_minimum, self.per_entry) > 0

    @property
    def shape(self) -> tuple[int, int]:
        return self.affinity.shape


@dataclass
class AssignmentResult:
    pairs: list[tuple[int, int]]  # (entry, expert), sorted
    objective: float
    bound: float
    rounds: int
    candidates: int
    seconds: float
    loads: list[int] = field(default_factory=list)
    # The fairness stage, when asked for: places of strong reviewers counted up to m per entry,
    # the dual's bound on that number, and the entries left with fewer than m.
    strong_places: int | None = None
    strong_places_bound: int | None = None
    entries_short_of_strong: int | None = None

    def summary(self) -> dict:
        loads = self.loads or [0]
        n_pairs = len(self.pairs)
        fairness = (
            {}
            if self.strong_places is None
            else {
                "strong_places": self.strong_places,
                "strong_places_bound": self.strong_places_bound,
                "entries_short_of_strong": self.entries_short_of_strong,
            }
        )
        return {
            **fairness,
            "pairs": n_pairs,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.bound - self.objective,
            "load_min": min(loads),
            "load_max": max(loads),
            "mean_affinity": self.objective / n_pairs if n_pairs else 0.0,
            "rounds": self.rounds,
            "candidates": self.candidates,
            "seconds": round(self.seconds, 3),
        }


def balanced_loads(entries: int, experts: int, per_entry: int) -> tuple[int, int]:
    """Loads balanced within one: every expert gets floor or ceil of the average."""
    total = entries * per_entry
    return total // experts, -(-total // experts)


def explain_infeasibility(problem: AssignmentProblem) -> list[dict]:
    """Reasons the settings cannot be met that can be named without solving."""
    entries, experts = problem.shape
    k = problem.per_entry
    reasons: list[dict] = []
    forbidden_per_entry = np.zeros(entries, dtype=np.int64)
    pinned_per_entry = np.zeros(entries, dtype=np.int64)
    pinned_per_expert = np.zeros(experts, dtype=np.int64)
    for e, _x in problem.forbidden:
        forbidden_per_entry[e] += 1
    for e, x in problem.pinned:
        pinned_per_entry[e] += 1
        pinned_per_expert[x] += 1
    for e, x in sorted(problem.pinned & problem.forbidden):
        reasons.append({"kind": "pinned_and_forbidden", "entry": e, "expert": x})
    available = experts - forbidden_per_entry
    for short in np.flatnonzero(available < k):
        reasons.append(
            {
                "kind": "too_few_experts",
                "entry": int(short),
                "available": int(available[short]),
                "needed": k,
            }
        )
    for crowded in np.flatnonzero(pinned_per_entry > k):
        reasons.append(
            {
                "kind": "too_many_pinned",
                "entry": int(crowded),
                "pinned": int(pinned_per_entry[crowded]),
                "needed": k,
            }
        )
    for overloaded in np.flatnonzero(pinned_per_expert > problem.max_load):
        reasons.append(
            {
                "kind": "expert_overloaded_by_pins",
                "expert": int(overloaded),
                "pinned": int(pinned_per_expert[overloaded]),
                "max_load": problem.max_load,
            }
        )
    total = entries * k
    if total > experts * problem.max_load or total < experts * problem.min_load:
        reasons.append(
            {
                "kind": "loads_do_not_add_up",
                "reviews_needed": total,
                "experts": experts,
                "min_load": problem.min_load,
                "max_load": problem.max_load,
            }
        )
    if problem.min_load > problem.max_load:
        reasons.append(
            {
                "kind": "load_bounds_reversed",
                "min_load": problem.min_load,
                "max_load": problem.max_load,
            }
        )
    return reasons


def solve(
    problem: AssignmentProblem, *, candidates_per_entry: int | None = None
) -> AssignmentResult:
    started = time.perf_counter()
    reasons = explain_infeasibility(problem)
    if reasons:
        raise AssignmentInfeasible(reasons)

    entries, experts = problem.shape
    k = problem.per_entry
    profit = np.asarray(problem.affinity, dtype=np.float64)
    allowed = _allowed_mask(problem)

    cand_entry, cand_expert = _initial_candidates(problem, profit, allowed, candidates_per_entry)
    in_candidates = np.zeros((entries, experts), dtype=bool)
    in_candidates[cand_entry, cand_expert] = True

    strong = problem.strong if problem.fairness else None
    m = min(problem.strong_minimum, k) if strong is not None else 0
    bonus = _fairness_bonus(profit, k) if strong is not None else 0.0
    lp = _TransportationLP(problem, entries, experts, strong=strong, m=m, bonus=bonus)
    rounds = 0
    while True:
        rounds += 1
        solution = lp.solve(cand_entry, cand_expert, profit[cand_entry, cand_expert])
        if solution is None:
            # Feasible on the whole instance (checked above) but not on these candidates:
            # widen them and try again.
            if in_candidates[allowed].all():
                raise AssignmentInfeasible([{"kind": "no_feasible_assignment"}])
            more_e, more_x = _widen(profit, allowed, in_candidates, k)
            cand_entry = np.concatenate([cand_entry, more_e])
            cand_expert = np.concatenate([cand_expert, more_x])
            in_candidates[more_e, more_x] = True
            continue
        values, entry_dual, expert_dual, strong_dual = solution
        add_e, add_x, bound = _price(
            profit,
            allowed,
            in_candidates,
            entry_dual,
            expert_dual,
            problem,
            k,
            strong=strong,
            strong_dual=strong_dual,
            m=m,
            bonus=bonus,
        )
        if len(add_e) == 0 or rounds >= MAX_ROUNDS:
            break
        cand_entry = np.concatenate([cand_entry, add_e])
        cand_expert = np.concatenate([cand_expert, add_x])
        in_candidates[add_e, add_x] = True

    chosen = values[: len(cand_entry)] > 0.5
    pair_entry, pair_expert = cand_entry[chosen], cand_expert[chosen]
    order = np.lexsort((pair_expert, pair_entry))
    pairs = [(int(e), int(x)) for e, x in zip(pair_entry[order], pair_expert[order], strict=True)]
    loads = np.bincount(pair_expert, minlength=experts)
    objective = float(profit[pair_entry, pair_expert].sum())
    fairness: dict = {}
    if strong is not None:
        strong_count = np.bincount(pair_entry[strong[pair_entry, pair_expert]], minlength=entries)
        places = int(np.minimum(strong_count, m).sum())
        # The dual bounds B x places + affinity over every assignment. The affinity of any
        # assignment is at least `floor`, so no assignment has more places than this; and any
        # with at least as many places has at most `bound - B x places` of affinity.
        floor = k * entries * min(0.0, float(profit.min()))
        places_bound = int(np.floor((bound - floor) / bonus + 1e-9))
        fairness = {
            "strong_places": places,
            "strong_places_bound": places_bound,
            "entries_short_of_strong": int((strong_count < m).sum()),
        }
        bound = bound - bonus * places
    return AssignmentResult(
        pairs=pairs,
        objective=objective,
        bound=float(bound),
        rounds=rounds,
        candidates=len(cand_entry),
        seconds=time.perf_counter() - started,
        loads=[int(v) for v in loads],
        **fairness,
    )


def _fairness_bonus(profit: np.ndarray, k: int) -> float:
    """More than any difference of total affinity between two assignments (see the docstring)."""
    spread = float(profit.max() - min(0.0, float(profit.min()))) if profit.size else 0.0
    return spread * k * profit.shape[0] + 1.0


def _allowed_mask(problem: AssignmentProblem) -> np.ndarray:
    allowed = np.ones(problem.shape, dtype=bool)
    if problem.forbidden:
        forbidden = np.array(sorted(problem.forbidden), dtype=np.int64)
        allowed[forbidden[:, 0], forbidden[:, 1]] = False
    return allowed


def _initial_candidates(problem, profit, allowed, per_entry_count):
    """Each entry's best experts, each expert's best entries, and the pinned pairs."""
    entries, experts = problem.shape
    k = problem.per_entry
    c = per_entry_count or min(experts, max(3 * k, k + 6))
    masked = np.where(allowed, profit, -np.inf)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for start in range(0, entries, PRICING_BLOCK):
        block = masked[start : start + PRICING_BLOCK]
        if c < experts:
            top = np.argpartition(-block, c - 1, axis=1)[:, :c]
        else:
            top = np.broadcast_to(np.arange(experts), (len(block), experts))
        rows.append(np.repeat(np.arange(start, start + len(block)), top.shape[1]))
        cols.append(top.ravel())
    # Every expert needs enough candidate entries to reach its minimum load.
    r = min(entries, max(2 * problem.max_load, problem.max_load + 4))
    if r < entries:
        top_entries = np.argpartition(-masked, r - 1, axis=0)[:r, :]
    else:
        top_entries = np.broadcast_to(np.arange(entries)[:, None], (entries, experts))
    rows.append(top_entries.ravel())
    cols.append(np.tile(np.arange(experts), top_entries.shape[0]))
    if problem.pinned:
        pinned = np.array(sorted(problem.pinned), dtype=np.int64)
        rows.append(pinned[:, 0])
        cols.append(pinned[:, 1])
    e = np.concatenate(rows)
    x = np.concatenate(cols)
    keep = allowed[e, x] & np.isfinite(masked[e, x])
    pairs = np.unique(np.stack([e[keep], x[keep]], axis=1), axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _widen(profit, allowed, in_candidates, k):
    """Add each entry's next best allowed pairs that are not candidates yet."""
    open_pairs = np.where(allowed & ~in_candidates, profit, -np.inf)
    take = min(open_pairs.shape[1], 2 * k)
    top = np.argpartition(-open_pairs, take - 1, axis=1)[:, :take]
    e = np.repeat(np.arange(open_pairs.shape[0]), take)
    x = top.ravel()
    keep = np.isfinite(open_pairs[e, x])
    return e[keep], x[keep]


def _price(
    profit,
    allowed,
    in_candidates,
    entry_dual,
    expert_dual,
    problem,
    k,
    *,
    strong=None,
    strong_dual=None,
    m=0,
    bonus=0.0,
):
    """Reduced profits of every pair outside the candidates, and the dual bound.

    For the LP  max p.x  s.t.  sum_x x_ex = k,  L <= sum_e x_ex <= U,  0 <= x <= 1,
    the dual value of any (u, v) is  k*sum(u) + sum(v_x * (U if v_x > 0 else L))
    + sum over allowed pairs of max(0, p_ex - u_e - v_x)  (+ the pinned pairs' exact terms).
    With the fairness stage, each entry's row b_e - sum(strong x_e.) <= 0 has a dual w_e >= 0
    (clipped, which any w >= 0 allows): a strong pair's reduced profit gains + w_e, and each
    entry adds m * max(0, B - w_e) for its b_e in [0, m].
    """
    entries, _experts = profit.shape
    add_e: list[np.ndarray] = []
    add_x: list[np.ndarray] = []
    slack_sum = 0.0
    if strong is not None:
        strong_dual = np.maximum(strong_dual, 0.0)
        slack_sum += float(m * np.maximum(bonus - strong_dual, 0.0).sum())
    pinned_mask = None
    if problem.pinned:
        pinned_mask = np.zeros(profit.shape, dtype=bool)
        pinned = np.array(sorted(problem.pinned), dtype=np.int64)
        pinned_mask[pinned[:, 0], pinned[:, 1]] = True
    for start in range(0, entries, PRICING_BLOCK):
        stop = min(start + PRICING_BLOCK, entries)
        reduced = profit[start:stop] - entry_dual[start:stop, None] - expert_dual[None, :]
        if strong is not None:
            reduced = reduced + np.where(strong[start:stop], strong_dual[start:stop, None], 0.0)
        reduced = np.where(allowed[start:stop], reduced, -np.inf)
        if pinned_mask is not None:
            pins = pinned_mask[start:stop]
            slack_sum += float(reduced[pins].sum())
            reduced = np.where(pins, -np.inf, reduced)
        slack_sum += float(np.maximum(reduced, 0.0).sum())
        outside = np.where(in_candidates[start:stop], -np.inf, reduced)
        violated_rows = np.flatnonzero((outside > PRICING_TOLERANCE).any(axis=1))
        if len(violated_rows):
            sub = outside[violated_rows]
            take = min(ADDED_PER_ENTRY, sub.shape[1])
            top = np.argpartition(-sub, take - 1, axis=1)[:, :take]
            e = np.repeat(violated_rows + start, take)
            x = top.ravel()
            keep = outside[e - start, x] > PRICING_TOLERANCE
            add_e.append(e[keep])
            add_x.append(x[keep])
    bound = (
        k * float(entry_dual.sum())
        + float(
            np.where(
                expert_dual > 0, expert_dual * problem.max_load, expert_dual * problem.min_load
            ).sum()
        )
        + slack_sum
    )
    if add_e:
        return np.concatenate(add_e), np.concatenate(add_x), bound
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), bound


class _TransportationLP:
    """The LP over the current candidates, solved by HiGHS' dual simplex."""

    def __init__(
        self,
        problem: AssignmentProblem,
        entries: int,
        experts: int,
        *,
        strong: np.ndarray | None = None,
        m: int = 0,
        bonus: float = 0.0,
    ):
        self.problem = problem
        self.entries = entries
        self.experts = experts
        self.strong = strong
        self.m = m
        self.bonus = bonus

    def solve(self, cand_entry, cand_expert, cand_profit):
        problem = self.problem
        lp = pair_lp(
            entries=self.entries,
            experts=self.experts,
            pair_entry=cand_entry,
            pair_expert=cand_expert,
            profit=cand_profit,
            pinned=problem.pinned,
            per_entry=(problem.per_entry, problem.per_entry),
            load=(problem.min_load, problem.max_load),
            strong=self.strong,
            m=self.m,
            bonus=self.bonus,
        )
        # Presolve costs seconds on these degenerate transportation LPs and saves nothing.
        highs = _run(lp, presolve=False)
        if highs is None:
            return None
        solution = highs.getSolution()
        values = np.asarray(solution.col_value)
        row_dual = np.asarray(solution.row_dual)
        entries, experts = self.entries, self.experts
        strong_dual = row_dual[entries + experts :] if self.strong is not None else None
        return (
            values,
            row_dual[:entries],
            row_dual[entries : entries + experts],
            strong_dual,
        )


def pair_lp(
    *,
    entries: int,
    experts: int,
    pair_entry: np.ndarray,
    pair_expert: np.ndarray,
    profit: np.ndarray,
    pinned: frozenset[tuple[int, int]] = frozenset(),
    per_entry: tuple[float, float],
    load: tuple[float, float],
    strong: np.ndarray | None = None,
    m: int = 0,
    bonus: float = 0.0,
) -> highspy.HighsLp:
    """The one LP of this module: maximise profit.x over the given (entry, expert) pairs,
    0 <= x <= 1 (pinned pairs at 1), each entry's row sum within `per_entry` and each expert's
    within `load`. With `strong`, the fairness rows and columns of the module's docstring."""
    n = len(pair_entry)
    pinned_mask = np.zeros(n, dtype=bool)
    if pinned:
        pinned_mask = np.fromiter(
            ((int(e), int(x)) in pinned for e, x in zip(pair_entry, pair_expert, strict=True)),
            dtype=bool,
            count=n,
        )
    rows = entries + experts
    cost = np.asarray(profit, dtype=np.float64)
    lower = pinned_mask.astype(np.float64)
    upper = np.ones(n, dtype=np.float64)
    row_lower = [np.full(entries, per_entry[0], float), np.full(experts, load[0], float)]
    row_upper = [np.full(entries, per_entry[1], float), np.full(experts, load[1], float)]
    if strong is None:
        # Columns in CSC form: each pair has a 1 in its entry row and in its expert row.
        index = np.empty(2 * n, dtype=np.int32)
        index[0::2] = pair_entry
        index[1::2] = entries + pair_expert
        start = np.arange(0, 2 * n + 1, 2, dtype=np.int32)
        value = np.ones(2 * n, dtype=np.float64)
        columns = n
    else:
        # A strong pair also has a -1 in its entry's fairness row; then one column b_e per
        # entry with a 1 in that row, bounds [0, m], worth the bonus.
        is_strong = strong[pair_entry, pair_expert]
        per_column = 2 + is_strong.astype(np.int32)
        start64 = np.zeros(n + entries + 1, dtype=np.int64)
        start64[1 : n + 1] = np.cumsum(per_column)
        start64[n + 1 :] = start64[n] + np.arange(1, entries + 1)
        index = np.empty(int(start64[-1]), dtype=np.int32)
        value = np.ones(int(start64[-1]), dtype=np.float64)
        first = start64[:n]
        index[first] = pair_entry
        index[first + 1] = entries + pair_expert
        strong_at = first[is_strong] + 2
        index[strong_at] = rows + pair_entry[is_strong]
        value[strong_at] = -1.0
        index[start64[n] :] = rows + np.arange(entries)
        start = start64.astype(np.int32)
        cost = np.concatenate([cost, np.full(entries, bonus)])
        lower = np.concatenate([lower, np.zeros(entries)])
        upper = np.concatenate([upper, np.full(entries, float(m))])
        row_lower.append(np.full(entries, -highspy.kHighsInf))
        row_upper.append(np.zeros(entries))
        rows += entries
        columns = n + entries
    lp = highspy.HighsLp()
    lp.num_col_ = columns
    lp.num_row_ = rows
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate(row_lower)
    lp.row_upper_ = np.concatenate(row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    return lp


def _run(lp: highspy.HighsLp, *, presolve: bool = True):
    """Solve by HiGHS' simplex, silently; the solver when optimal, else None.

    Quiet by HiGHS' own option, set before any other call (as its authors ask): nothing is
    redirected, so solving is safe in any thread. `highspy._Highs` is the solver class itself,
    which highspy exports; its Python subclass `highspy.Highs` installs callbacks in its
    constructor, which prints the licence banner before an option can be set.
    """
    # highspy exports _Highs, but its type stubs leave it out.
    highs = highspy._Highs()  # type: ignore[attr-defined]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("solver", "simplex")
    highs.setOptionValue("threads", 1)
    if not presolve:
        highs.setOptionValue("presolve", "off")
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return highs


def best_coverage(
    problem: AssignmentProblem, pair_entry: np.ndarray, pair_expert: np.ndarray
) -> np.ndarray | None:
    """Reviews per entry when as many as possible are placed within the maximum loads (minimum
    loads ignored), on the given pairs; None if even that has no solution."""
    entries, experts = problem.shape
    lp = pair_lp(
        entries=entries,
        experts=experts,
        pair_entry=pair_entry,
        pair_expert=pair_expert,
        profit=np.ones(len(pair_entry)),
        pinned=problem.pinned,
        per_entry=(0, problem.per_entry),
        load=(0, problem.max_load),
    )
    highs = _run(lp)
    if highs is None:
        return None
    values = np.asarray(highs.getSolution().col_value) > 0.5
    return np.bincount(pair_entry[values], minlength=entries)
