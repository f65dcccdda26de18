"""The count of a ballot round. Pure and deterministic: ballots in, result out.

Anyone can run the same count from the published bulletin (`verify_bulletin`), so this module
depends on nothing but the standard library.

Rules (DESIGN.md, "Ballot rules"):
- The round is void unless at least `quorum` of the eligible members cast a ballot.
- An item passes its threshold when it is chosen on more than `threshold` of the ballots cast by
  members not recused from it (a recused member cannot choose it, so those ballots do not count
  against it either).
- Winners are the passing items with the highest scores, up to the quota. Approval: the score is
  the number of ballots choosing the item. Borda: a ballot ranks up to `quota` items; first place
  earns `quota` points, the next one fewer, and so on.
- A tie across the quota line is never broken here: the items tied at the line go to a run-off
  for the places left, and only the items clearly above the line win now.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

APPROVAL = "approval"
BORDA = "borda"
METHODS = (APPROVAL, BORDA)


class InvalidBallot(ValueError):
    pass


@dataclass(frozen=True)
class RoundRules:
    items: tuple[str, ...]
    quota: int
    eligible: int  # members on the frozen voter list
    quorum: Fraction = Fraction(2, 3)
    threshold: Fraction = Fraction(1, 2)
    method: str = APPROVAL
    # Per item: how many of the ballots cast came from members recused from it.
    recused: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemCount:
    code: str
    score: int  # approvals, or Borda points
    chosen_on: int  # ballots that chose (or ranked) the item
    counted_ballots: int  # ballots cast by members not recused from the item
    passes_threshold: bool


@dataclass(frozen=True)
class RunOff:
    items: tuple[str, ...]
    places: int


@dataclass(frozen=True)
class TallyResult:
    cast: int
    quorum_needed: int
    void: bool
    counts: tuple[ItemCount, ...]  # ordered by score, then code
    winners: tuple[str, ...]  # ordered by score, then code
    runoff: RunOff | None

    def as_dict(self) -> dict:
        return {
            "cast": self.cast,
            "quorum_needed": self.quorum_needed,
            "void": self.void,
            "winners": list(self.winners),
            "runoff": (
                {"items": list(self.runoff.items), "places": self.runoff.places}
                if self.runoff
                else None
            ),
            "counts": [
                {
                    "code": c.code,
                    "score": c.score,
                    "chosen_on": c.chosen_on,
                    "counted_ballots": c.counted_ballots,
                    "passes_threshold": c.passes_threshold,
                }
                for c in self.counts
            ],
        }


def quorum_needed(eligible: int, quorum: Fraction) -> int:
    """The fewest ballots that meet the quorum (a share of the eligible members)."""
    return math.ceil(Fraction(quorum) * eligible)


def check_ballot(rules: RoundRules, choices: Sequence[str]) -> None:
    """Raise InvalidBallot unless the choices form a valid ballot for the round."""
    if len(set(choices)) != len(choices):
        raise InvalidBallot("an item is chosen twice")
    if len(choices) > rules.quota:
        raise InvalidBallot("more items chosen than the quota")
    unknown = set(choices) - set(rules.items)
    if unknown:
        raise InvalidBallot(f"unknown items: {sorted(unknown)}")


def tally(rules: RoundRules, ballots: Sequence[Sequence[str]]) -> TallyResult:
    if rules.method not in METHODS:
        raise ValueError(f"unknown method {rules.method!r}")
    if rules.quota < 1:
        raise ValueError("the quota must be at least 1")
    for choices in ballots:
        check_ballot(rules, choices)

    cast = len(ballots)
    needed = quorum_needed(rules.eligible, rules.quorum)
    score = dict.fromkeys(rules.items, 0)
    chosen_on = dict.fromkeys(rules.items, 0)
    for choices in ballots:
        for position, code in enumerate(choices):
            chosen_on[code] += 1
            score[code] += 1 if rules.method == APPROVAL else rules.quota - position

    counts = []
    for code in rules.items:
        counted = cast - rules.recused.get(code, 0)
        passes = counted > 0 and Fraction(chosen_on[code], counted) > rules.threshold
        counts.append(ItemCount(code, score[code], chosen_on[code], counted, passes))
    counts.sort(key=lambda c: (-c.score, c.code))

    if cast < needed:
        return TallyResult(cast, needed, True, tuple(counts), (), None)

    passing = [c for c in counts if c.passes_threshold]
    if len(passing) <= rules.quota:
        return TallyResult(cast, needed, False, tuple(counts), tuple(c.code for c in passing), None)

    line_score = passing[rules.quota - 1].score
    if passing[rules.quota].score != line_score:
        winners = tuple(c.code for c in passing[: rules.quota])
        return TallyResult(cast, needed, False, tuple(counts), winners, None)

    # Tie across the line: those above it win; those on it go to a run-off.
    winners = tuple(c.code for c in passing if c.score > line_score)
    tied = tuple(c.code for c in passing if c.score == line_score)
    runoff = RunOff(items=tied, places=rules.quota - len(winners))
    return TallyResult(cast, needed, False, tuple(counts), winners, runoff)
