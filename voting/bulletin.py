"""The published bulletin of an edition's ballots, and its recount. Pure: plain data in and out.

The bulletin (`/results/<year>/bulletin.json`) holds every ballot round that counted (and every
void one), in the order held, with each ballot's tracker and choices in a random order:

    {"year": 2026,
     "rounds": [{"category": "cutting_edge", "number": 1, "kind": "main", "parent": null,
                 "method": "approval", "quota": 8,
                 "threshold": 0.5, "quorum": 0.6666666666666666, "eligible": 31, "void": false,
                 "items": [{"code": "2026-CE-001", "recused": 1}, ...],
                 "ballots": [{"tracker": "7KQX-3MFA-RT9C-HW4P", "choices": ["2026-CE-001", ...]},
                             ...]},
                ...],
     "removals": [{"category": "cutting_edge", "code": "2026-CE-004",
                   "objection": "OBJ-7KQX-3MFA", "reasons": "..."}],
     "place_decisions": [{"category": "cutting_edge", "round": 1, "cause": "freed",
                          "places": 1, "decision": "vacant", "reason": "...",
                          "runoff_round": null}]}

How anyone recounts it, with no access to the portal (this is what `recount` does):

1. A round is void when fewer than ceil(quorum × eligible) ballots were cast. `quorum` and
   `threshold` are fractions written as numbers; read each as the nearest fraction with a
   denominator of at most 100 (0.6666666666666666 is 2/3, 0.5 is 1/2).
2. For each item: chosen_on = the ballots that list it. Its score is chosen_on (approval), or
   for Borda the sum over ballots of (quota − position), first position 0. It passes when
   chosen_on / (ballots − recused) > threshold, `recused` being the ballots cast by members
   recused from it.
3. Sort items by score (highest first), then code. If at most `quota` items pass, they all win.
   Otherwise the first `quota` win, unless the item at the quota line ties with the next one:
   then only those strictly above the line win and the tied ones go to a run-off (a later round
   of the same category, over the tied items, for the places left).
4. A category's winners are the winners of its rounds that are not void, in the order held,
   less those listed in "removals" (removed after an upheld objection, with the reasons).

Each round says its "kind": "main" (the finalists), "tie_runoff" (the items tied across its
parent's quota line, for the places left) or "vacancy_runoff" (places its parent left unfilled
or that a removal freed; see docs/decisions.md), and "parent", the number of the round it
continues. "place_decisions" lists the committee's decisions on unfilled or freed places (vacant
or a run-off) with their reasons. These keys were added in 2026; a recount of an older bulletin
reads them as absent.

A round voided by the committee's decision before its count (for a conflict recorded after it
opened; docs/conflicts.md) says why in "voided_reason", is void whatever its turnout, and lists
no ballots: they were deleted unread with the round's key. The round held again follows it.

`voting.tally.tally` implements steps 1–3; it imports only the standard library.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from . import tally
from .shares import share


@dataclass(frozen=True)
class RoundRecord:
    """What the bulletin says of one round (read from the database by publication.services)."""

    category: str
    number: int
    method: str
    quota: int
    threshold: Fraction
    quorum: Fraction
    eligible: int
    void: bool
    items: Sequence[str]
    recused: Mapping[str, int]
    ballots: Sequence[tuple[str, Sequence[str]]]  # (tracker, choices)
    kind: str = "main"  # main, tie_runoff or vacancy_runoff
    parent: int | None = None  # the number of the round a run-off continues
    voided_reason: str = ""  # set when the round was voided by decision before its count


def build_bulletin(
    year: int, rounds: Iterable[RoundRecord], rng: random.Random | None = None
) -> dict:
    """The bulletin as JSON-ready data: rounds in the order given, ballots shuffled."""
    rng = rng or random.SystemRandom()
    out = []
    for record in rounds:
        ballots = [
            {"tracker": tracker, "choices": list(choices)} for tracker, choices in record.ballots
        ]
        rng.shuffle(ballots)
        out.append(
            {
                "category": record.category,
                "number": record.number,
                "kind": record.kind,
                "parent": record.parent,
                "method": record.method,
                "quota": record.quota,
                "threshold": float(record.threshold),
                "quorum": float(record.quorum),
                "eligible": record.eligible,
                "void": record.void,
                "items": [
                    {"code": code, "recused": int(record.recused.get(code, 0))}
                    for code in sorted(record.items)
                ],
                "ballots": ballots,
                # Only on a round voided by decision, so older bulletins keep their shape.
                **({"voided_reason": record.voided_reason} if record.voided_reason else {}),
            }
        )
    return {"year": year, "rounds": out}


class BulletinError(ValueError):
    """The bulletin is malformed (a missing key, a ballot that is not valid for its round)."""


def round_rules(entry: Mapping) -> tally.RoundRules:
    try:
        return tally.RoundRules(
            items=tuple(item["code"] for item in entry["items"]),
            quota=int(entry["quota"]),
            eligible=int(entry["eligible"]),
            quorum=share(entry["quorum"]),
            threshold=share(entry["threshold"]),
            method=entry["method"],
            recused={item["code"]: int(item.get("recused", 0)) for item in entry["items"]},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BulletinError(f"round {entry.get('category')}: {error!r}") from error


def recount(bulletin: Mapping) -> dict:
    """Recount every round of the bulletin.

    Returns {"rounds": [{"category", "number", "void", "winners", "runoff", "cast"}],
    "winners": {category code: [codes in the order won]}}.
    """
    rounds = []
    winners: dict[str, list[str]] = {}
    for entry in bulletin.get("rounds", []):
        rules = round_rules(entry)
        ballots = [list(b["choices"]) for b in entry.get("ballots", [])]
        if entry.get("voided_reason"):
            # Voided by decision before its count: void whatever its turnout, and no ballot
            # may be published for it (they were deleted unread).
            if ballots:
                raise BulletinError(
                    f"round {entry.get('category')} {entry.get('number')}: "
                    "voided before its count but lists ballots"
                )
            rounds.append(
                {
                    "category": entry["category"],
                    "number": entry.get("number"),
                    "cast": 0,
                    "void": True,
                    "winners": [],
                    "runoff": None,
                }
            )
            winners.setdefault(entry["category"], [])
            continue
        try:
            result = tally.tally(rules, ballots)
        except tally.InvalidBallot as error:
            raise BulletinError(f"round {entry.get('category')}: {error}") from error
        category = entry["category"]
        winners.setdefault(category, [])
        if not result.void:
            for code in result.winners:
                if code not in winners[category]:
                    winners[category].append(code)
        rounds.append(
            {
                "category": category,
                "number": entry.get("number"),
                "cast": result.cast,
                "void": result.void,
                "winners": list(result.winners),
                "runoff": result.as_dict()["runoff"],
            }
        )
    return {"rounds": rounds, "winners": winners}


def removals(bulletin: Mapping) -> dict[str, list[str]]:
    """Per category: the codes the bulletin says were removed after an upheld objection."""
    out: dict[str, list[str]] = {}
    for entry in bulletin.get("removals", []) or []:
        try:
            out.setdefault(entry["category"], []).append(entry["code"])
        except (KeyError, TypeError) as error:
            raise BulletinError(f"removal {entry!r}: {error!r}") from error
    return out


def differences(
    bulletin: Mapping,
    published: Mapping[str, Sequence[str]],
    removed: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """Where the recount disagrees with the published winners (empty when it matches).

    `published` maps a category code to its published winners; `removed` to the proposed
    winners the organisers removed after an upheld objection (they won the count but were not
    published, so they are expected in the recount and not among the winners).

    Without `removed`, the removals are read from the bulletin itself ("removals"), so the
    recount needs the public files alone.
    """
    if removed is None:
        removed = removals(bulletin)
    counted = recount(bulletin)
    problems = []
    for round_count, entry in zip(counted["rounds"], bulletin.get("rounds", []), strict=True):
        if bool(entry.get("void")) != round_count["void"]:
            problems.append(
                f"{round_count['category']} round {round_count['number']}: published "
                f"void={entry.get('void')}, recount void={round_count['void']}"
            )
    for category in sorted(set(counted["winners"]) | set(published)):
        expected = set(counted["winners"].get(category, [])) - set(removed.get(category, []))
        actual = set(published.get(category, []))
        if expected != actual:
            missing = sorted(expected - actual)
            extra = sorted(actual - expected)
            problems.append(
                f"{category}: recount winners not published {missing}, "
                f"published winners the recount does not give {extra}"
            )
    return problems
