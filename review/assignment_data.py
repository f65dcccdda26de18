"""From database rows to the solver's problem and back: pure, no database.

`build_problem` turns entries, experts, conflicts and the organiser's pins and forbids into an
`AssignmentProblem` (indices into the lists given); `describe_reasons` turns the solver's
infeasibility reasons back into entry codes, titles and expert names, so they can be stored
and explained in either language (`reason_message`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from .assignment import AssignmentProblem, balanced_loads, best_coverage
from .text_affinity import Texts, text_affinities

# The bid's value before its weight: a preference nudges, never decides.
BID_VALUES = {2: 1.0, 1: 0.5, 0: 0.0, -1: -1.0}
_BID_TABLE = np.array([BID_VALUES[-1], BID_VALUES[0], BID_VALUES[1], BID_VALUES[2]])


@dataclass(frozen=True)
class Weights:
    """The organisers' settings (review.models.AssignmentSettings), with its defaults."""

    direction: float = 1.0
    text: float = 0.6
    bid: float = 0.2
    strong_threshold: float = 1.2
    strong_minimum: int = 2


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class EntryRow:
    id: int
    code: str
    title_zh: str
    title_en: str
    direction_id: int | None
    # Title, summary, description and key innovations, per language.
    texts: Texts = field(default_factory=Texts)


@dataclass(frozen=True)
class ExpertRow:
    id: int
    name_zh: str
    name_en: str
    direction_ids: frozenset[int] = frozenset()
    # Statement of expertise and keywords, per language.
    texts: Texts = field(default_factory=Texts)
    # (nomination id, preference) for the expert's bids; neutral is absent.
    bids: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class AffinityParts:
    """Each term of every pair's affinity (entries × experts), kept to explain the result."""

    direction: np.ndarray  # bool: the expert's directions include the entry's
    text: np.ndarray  # float in [0, 1]
    comparable: np.ndarray  # bool: some language has text on both sides
    bid: np.ndarray  # int8 preference, 0 when neutral

    def expertise(self, weights: Weights) -> np.ndarray:
        return weights.direction * self.direction + weights.text * self.text

    def combined(self, weights: Weights) -> np.ndarray:
        # Preferences -1, 0, 1, 2 index this table from 0.
        bid_value = _BID_TABLE[self.bid.astype(np.int64) + 1]
        return self.expertise(weights) + weights.bid * bid_value

    def strong(self, weights: Weights) -> np.ndarray:
        """Experts who know the entry's field: direction and text reach the threshold."""
        return self.expertise(weights) >= weights.strong_threshold - 1e-9

    def explain(self, entry: int, expert: int, weights: Weights) -> dict:
        """Why a pair scored what it did (JSON-ready); text None means no comparable text."""
        preference = int(self.bid[entry, expert])
        direction = bool(self.direction[entry, expert])
        text = float(self.text[entry, expert]) if self.comparable[entry, expert] else None
        total = (
            weights.direction * direction
            + weights.text * (text or 0.0)
            + weights.bid * BID_VALUES[preference]
        )
        return {
            "direction": direction,
            "text": None if text is None else round(text, 3),
            "bid": preference,
            "total": round(total, 3),
            "strong": bool(
                weights.direction * direction + weights.text * (text or 0.0)
                >= weights.strong_threshold - 1e-9
            ),
        }


def affinity_parts(
    entries: list[EntryRow],
    experts: list[ExpertRow],
    *,
    text: tuple[np.ndarray, np.ndarray] | None = None,
) -> AffinityParts:
    """Every pair's affinity terms. `text` is the (scores, comparable) pair of
    `text_affinities` for these entries and experts when it is already known (it is the costly
    part); without it, it is computed."""
    shape = (len(entries), len(experts))
    direction = np.zeros(shape, dtype=bool)
    bid = np.zeros(shape, dtype=np.int8)
    entry_index = {entry.id: i for i, entry in enumerate(entries)}
    for j, expert in enumerate(experts):
        for i, entry in enumerate(entries):
            if entry.direction_id is not None and entry.direction_id in expert.direction_ids:
                direction[i, j] = True
        for nomination_id, preference in expert.bids:
            if nomination_id in entry_index:
                bid[entry_index[nomination_id], j] = preference
    if text is None:
        text = text_of(entries, experts)
    scores, comparable = text
    return AffinityParts(direction=direction, text=scores, comparable=comparable, bid=bid)


def text_of(entries: list[EntryRow], experts: list[ExpertRow]) -> tuple[np.ndarray, np.ndarray]:
    """The text affinity of every pair and whether it had text to compare (text_affinity.py)."""
    if entries and experts:
        return text_affinities([e.texts for e in entries], [x.texts for x in experts])
    shape = (len(entries), len(experts))
    return np.zeros(shape, dtype=np.float32), np.zeros(shape, dtype=bool)


def default_loads(entries: int, experts: int, per_entry: int) -> tuple[int, int]:
    """Loads balanced within one; with no experts, bounds that make the problem say so."""
    if experts == 0:
        return 0, 0
    return balanced_loads(entries, experts, per_entry)


def _index_pairs(
    pairs: Iterable[tuple[int, int]], entry_index: dict[int, int], expert_index: dict[int, int]
) -> frozenset[tuple[int, int]]:
    """(expert id, nomination id) pairs as (entry index, expert index); others are dropped."""
    return frozenset(
        (entry_index[nomination_id], expert_index[expert_id])
        for expert_id, nomination_id in pairs
        if nomination_id in entry_index and expert_id in expert_index
    )


def build_problem(
    entries: list[EntryRow],
    experts: list[ExpertRow],
    *,
    per_entry: int,
    min_load: int | None = None,
    max_load: int | None = None,
    forbidden: Iterable[tuple[int, int]] = (),
    pinned: Iterable[tuple[int, int]] = (),
    weights: Weights = DEFAULT_WEIGHTS,
    parts: AffinityParts | None = None,
) -> AssignmentProblem:
    """The solver's problem. `forbidden` and `pinned` hold (expert id, nomination id) pairs."""
    low, high = default_loads(len(entries), len(experts), per_entry)
    entry_index = {entry.id: i for i, entry in enumerate(entries)}
    expert_index = {expert.id: j for j, expert in enumerate(experts)}
    parts = parts if parts is not None else affinity_parts(entries, experts)
    return AssignmentProblem(
        affinity=parts.combined(weights),
        strong=parts.strong(weights),
        strong_minimum=weights.strong_minimum,
        per_entry=per_entry,
        min_load=low if min_load is None else min_load,
        max_load=high if max_load is None else max_load,
        forbidden=_index_pairs(forbidden, entry_index, expert_index),
        pinned=_index_pairs(pinned, entry_index, expert_index),
    )


def pairs_to_ids(
    pairs: Iterable[tuple[int, int]], entries: list[EntryRow], experts: list[ExpertRow]
) -> list[tuple[int, int]]:
    """The solver's (entry index, expert index) pairs as (expert id, nomination id)."""
    return [(experts[x].id, entries[e].id) for e, x in pairs]


# --- Explaining settings that cannot be met --------------------------------------------------

# Above this many allowed pairs the diagnosis is skipped (it is one more LP of that size).
DIAGNOSIS_MAX_PAIRS = 2_000_000


def diagnose(problem: AssignmentProblem) -> list[dict]:
    """When the solver finds no assignment but no simple count explains why, look closer.

    - An expert whose allowed entries are fewer than the minimum load can never reach it.
    - Placing as many reviews as the maximum loads allow (ignoring minimum loads), the entries
      left short in that best attempt are named with how many experts they got.
    """
    entries = problem.shape[0]
    allowed = np.ones(problem.shape, dtype=bool)
    for e, x in problem.forbidden:
        allowed[e, x] = False
    reasons: list[dict] = []
    reachable = allowed.sum(axis=0)
    for starved in np.flatnonzero(reachable < problem.min_load):
        reasons.append(
            {
                "kind": "expert_below_min_load",
                "expert": int(starved),
                "allowed": int(reachable[starved]),
                "min_load": problem.min_load,
            }
        )
    pair_entry, pair_expert = np.nonzero(allowed)
    if 0 < len(pair_entry) <= DIAGNOSIS_MAX_PAIRS:
        coverage = best_coverage(problem, pair_entry, pair_expert)
        if coverage is not None:
            placed = int(coverage.sum())
            short = np.flatnonzero(coverage < problem.per_entry)
            if len(short):
                reasons.append(
                    {
                        "kind": "reviews_cannot_be_placed",
                        "placed": placed,
                        "needed": entries * problem.per_entry,
                    }
                )
            for left_short in short:
                reasons.append(
                    {
                        "kind": "entry_left_short",
                        "entry": int(left_short),
                        "got": int(coverage[left_short]),
                        "needed": problem.per_entry,
                    }
                )
    return reasons


def describe_reasons(
    reasons: list[dict], entries: list[EntryRow], experts: list[ExpertRow]
) -> list[dict]:
    """The solver's reasons with indices replaced by codes, titles and names (JSON-ready)."""
    described = []
    for reason in reasons:
        item = {key: value for key, value in reason.items() if key not in {"entry", "expert"}}
        if "entry" in reason:
            entry = entries[reason["entry"]]
            item.update(
                entry_code=entry.code, entry_title_zh=entry.title_zh, entry_title_en=entry.title_en
            )
        if "expert" in reason:
            expert = experts[reason["expert"]]
            item.update(expert_name_zh=expert.name_zh, expert_name_en=expert.name_en)
        described.append(item)
    return described


def _pick(reason: dict, field: str) -> str:
    from core.i18n import is_chinese

    first, second = ("zh", "en") if is_chinese() else ("en", "zh")
    return reason.get(f"{field}_{first}") or reason.get(f"{field}_{second}") or ""


def reason_message(reason: dict) -> str:
    """One described reason as a sentence in the active language."""
    kind = reason.get("kind")
    entry = f"{reason.get('entry_code', '')} “{_pick(reason, 'entry_title')}”"
    expert = _pick(reason, "expert_name")
    if kind == "too_few_experts":
        return _(
            "Entry %(entry)s needs %(needed)s experts but only %(available)s are free of "
            "conflicts and forbidden pairs."
        ) % {"entry": entry, "needed": reason["needed"], "available": reason["available"]}
    if kind == "too_many_pinned":
        return _("Entry %(entry)s has %(pinned)s pinned experts but takes only %(needed)s.") % {
            "entry": entry,
            "pinned": reason["pinned"],
            "needed": reason["needed"],
        }
    if kind == "expert_overloaded_by_pins":
        # The remedy is in the message: the secretariat must know which of two settings to change.
        return _(
            "%(expert)s is pinned to %(pinned)s entries, more than the maximum load of "
            "%(max_load)s: unpin %(excess)s of them, or raise the maximum load to at least "
            "%(pinned)s."
        ) % {
            "expert": expert,
            "pinned": reason["pinned"],
            "max_load": reason["max_load"],
            "excess": reason["pinned"] - reason["max_load"],
        }
    if kind == "loads_do_not_add_up":
        return _(
            "%(reviews)s reviews are needed, but %(experts)s experts with loads between "
            "%(min_load)s and %(max_load)s can take only %(low)s to %(high)s."
        ) % {
            "reviews": reason["reviews_needed"],
            "experts": reason["experts"],
            "min_load": reason["min_load"],
            "max_load": reason["max_load"],
            "low": reason["experts"] * reason["min_load"],
            "high": reason["experts"] * reason["max_load"],
        }
    if kind == "load_bounds_reversed":
        return _("The minimum load %(min_load)s is above the maximum load %(max_load)s.") % {
            "min_load": reason["min_load"],
            "max_load": reason["max_load"],
        }
    if kind == "pinned_and_forbidden":
        return _(
            "%(expert)s is both pinned to and forbidden from entry %(entry)s (a conflict or a "
            "forbidden pair): remove the pin."
        ) % {"expert": expert, "entry": entry}
    if kind == "expert_below_min_load":
        return _(
            "%(expert)s may review only %(allowed)s entries (conflicts and forbidden pairs), "
            "fewer than the minimum load of %(min_load)s."
        ) % {"expert": expert, "allowed": reason["allowed"], "min_load": reason["min_load"]}
    if kind == "reviews_cannot_be_placed":
        return _(
            "Within the maximum loads, at most %(placed)s of the %(needed)s reviews can be "
            "placed; in the best attempt these entries stay short:"
        ) % {"placed": reason["placed"], "needed": reason["needed"]}
    if kind == "entry_left_short":
        return _("Entry %(entry)s: %(got)s of %(needed)s experts.") % {
            "entry": entry,
            "got": reason["got"],
            "needed": reason["needed"],
        }
    if kind == "no_feasible_assignment":
        return _(
            "No assignment meets all these settings at once: the conflicts, the forbidden and "
            "pinned pairs and the load bounds contradict one another. Lower the minimum load, "
            "raise the maximum load or ask for fewer experts per entry."
        )
    if kind == "conflict_recorded_during_run":
        return _(
            "A conflict of interest was recorded while the assignment was being computed, so "
            "the database refused the new assignment. Nothing was changed: the previous "
            "assignment stands as it was. Run the assignment again."
        )
    return _("The settings cannot be met (%(kind)s).") % {"kind": kind}
