"""Reads of the final evaluation, with their joins chosen once.

Nothing here returns a ballot next to a voter: turnout comes from `BallotCast`, choices from
`Ballot`, and no function joins the two.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery

from review import scoring
from review.models import Conflict, Criterion, CriterionScore, Expert, Review
from submissions.models import Category, Edition, Nomination
from submissions.states import NominationState

from . import tally
from .models import Ballot, BallotCast, BallotRound, Recusal, RoundState, RoundVoter
from .shares import share

# --- Voters and recusals --------------------------------------------------------------------


def eligible_experts(edition: Edition) -> QuerySet[Expert]:
    """The committee members who may vote: active accounts that are not a pending invitation."""
    return (
        Expert.objects.filter(edition=edition, user__is_active=True)
        .exclude(invited_at__isnull=False, accepted_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )


def fingerprint(experts) -> str:
    """sha256 (hex) of the voter list: one line "id<TAB>name_zh<TAB>name_en" per member, by id.

    Shown to organisers and members so that anyone holding the list can check that it is the
    one the round was opened with.
    """
    lines = sorted((e.pk, f"{e.pk}\t{e.name_zh}\t{e.name_en}") for e in experts)
    text = "\n".join(line for _pk, line in lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def conflicts_among(expert_ids, nomination_ids) -> set[tuple[int, int]]:
    """(expert id, nomination id) pairs with a conflict of any source: recused from the item."""
    return set(
        Conflict.objects.filter(
            expert_id__in=list(expert_ids), nomination_id__in=list(nomination_ids)
        ).values_list("expert_id", "nomination_id")
    )


def rounds_visible_to_member(expert: Expert) -> QuerySet[BallotRound]:
    """The rounds of the member's edition whose frozen voter list holds them, each with the
    member's voter row's key as `member_voter_id` (from the same join)."""
    return (
        BallotRound.objects.filter(edition_id=expert.edition_id, voters__expert=expert)
        .annotate(member_voter_id=F("voters__id"))
        .select_related("category", "edition", "parent")
    )


def round_voter(round: BallotRound, expert: Expert) -> RoundVoter:
    """The member's row on the voter list of a round read through `rounds_visible_to_member`."""
    voter_id = round.member_voter_id  # type: ignore[attr-defined]  # the query's annotation
    return RoundVoter(pk=voter_id, round=round, expert=expert)


def recused_codes(voter: RoundVoter) -> set[str]:
    return set(Recusal.objects.filter(voter=voter).values_list("nomination__code", flat=True))


# --- Rules and the count --------------------------------------------------------------------


def item_codes(round: BallotRound) -> tuple[str, ...]:
    return tuple(round.items.order_by("code").values_list("code", flat=True))


def recused_cast_counts(round: BallotRound) -> dict[str, int]:
    """Per item: how many of the ballots cast came from members recused from it."""
    voted = BallotCast.objects.filter(round=round, voter=OuterRef("voter__expert"))
    counts: dict[str, int] = defaultdict(int)
    for code in (
        Recusal.objects.filter(round=round)
        .filter(Exists(voted))
        .values_list("nomination__code", flat=True)
    ):
        counts[code] += 1
    return dict(counts)


def round_rules(round: BallotRound, *, with_recused: bool = False) -> tally.RoundRules:
    return tally.RoundRules(
        items=item_codes(round),
        quota=round.quota,
        eligible=round.voters.count(),
        quorum=share(round.quorum),
        threshold=share(round.threshold),
        method=round.method,
        recused=recused_cast_counts(round) if with_recused else {},
    )


def ballots_for_count(round: BallotRound) -> list[list[str]]:
    """The round's ballots' choices in tracker order (never the order they were cast)."""
    return [
        list(choices)
        for choices in round.ballots.order_by("tracker").values_list("choices", flat=True)
    ]


def shuffled_ballots(round: BallotRound) -> list[Ballot]:
    """The round's ballots in a random order, for the bulletin."""
    ballots = list(Ballot.objects.filter(round=round).order_by("tracker"))
    random.SystemRandom().shuffle(ballots)
    return ballots


# --- Pages ----------------------------------------------------------------------------------


def rounds_of_edition(edition: Edition) -> QuerySet[BallotRound]:
    return (
        BallotRound.objects.filter(edition=edition)
        .select_related("category", "parent")
        .order_by("category__code", "number")
    )


def finalists(category: Category) -> QuerySet[Nomination]:
    return Nomination.objects.filter(category=category, state=NominationState.FINALIST).order_by(
        "code"
    )


def round_items(round: BallotRound) -> list[Nomination]:
    """The round's items with what the ballot page shows of them (one query)."""
    return list(
        round.items.select_related("organisation", "direction", "category").order_by("code")
    )


@dataclass(frozen=True)
class TurnoutRow:
    expert: Expert
    voted: bool


def turnout(round: BallotRound) -> list[TurnoutRow]:
    """Who on the frozen list has voted and who has not (from BallotCast; two queries)."""
    voted = set(BallotCast.objects.filter(round=round).values_list("voter_id", flat=True))
    voters = (
        RoundVoter.objects.filter(round=round)
        .select_related("expert")
        .order_by("expert__name_en", "expert__name_zh", "expert_id")
    )
    return [TurnoutRow(expert=v.expert, voted=v.expert_id in voted) for v in voters]


def round_tellers(round: BallotRound) -> list:
    """The round's tellers in their order, with their accounts and, for a committee member,
    the member's names in both languages (`name_zh`, `name_en`, empty for an organiser): a page
    names each as the committee list does. One query."""
    member = Expert.objects.filter(user=OuterRef("teller__user"), edition=round.edition_id)
    return list(
        round.tellers.select_related("teller__user")
        .annotate(
            name_zh=Subquery(member.values("name_zh")[:1]),
            name_en=Subquery(member.values("name_en")[:1]),
        )
        .order_by("position")
    )


def open_rounds_for_expert(expert: Expert) -> QuerySet[BallotRound]:
    """Rounds of the expert's edition that list them as a voter, newest first per category."""
    return (
        BallotRound.objects.filter(voters__expert=expert)
        .select_related("category", "parent")
        .annotate(has_voted=Exists(BallotCast.objects.filter(round=OuterRef("pk"), voter=expert)))
        .order_by("category__code", "-number")
    )


def review_summaries(nominations: list[Nomination]) -> dict[int, scoring.EntryScore]:
    """Per nomination: mean and count of the weighted totals of its submitted, complete reviews
    (review.scoring.aggregate). Reviews by conflicted experts are left out. Three queries."""
    if not nominations:
        return {}
    ids = [n.pk for n in nominations]
    weights: dict[int, dict[int, float]] = defaultdict(dict)
    for criterion in Criterion.objects.filter(category_id__in={n.category_id for n in nominations}):
        weights[criterion.category_id][criterion.pk] = float(criterion.weight)
    conflicted = set(
        Conflict.objects.filter(nomination_id__in=ids).values_list("expert_id", "nomination_id")
    )
    reviews = (
        Review.objects.filter(assignment__nomination_id__in=ids, state=Review.State.SUBMITTED)
        .select_related("assignment__nomination")
        .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.order_by("pk")))
    )
    triples = []
    for review in reviews:
        nomination = review.assignment.nomination
        expert_id = review.assignment.expert_id
        if (expert_id, nomination.pk) in conflicted:
            continue
        category_weights = weights.get(nomination.category_id, {})
        scores = {s.criterion_id: s.score for s in review.scores.all()}
        if not category_weights or set(scores) != set(category_weights):
            continue
        triples.append((nomination.pk, expert_id, scoring.weighted_total(scores, category_weights)))
    return scoring.aggregate(triples)


def certified_codes(edition_id: int, *, category_id: int | None = None) -> dict[int, list[str]]:
    """Per category id: the certified winners' codes (its certified round and certified run-offs),
    in the order of the rounds and, within one, of their counts. The one home of "who has won so
    far": publication, run-offs and the ballot pages all ask it."""
    rounds = BallotRound.objects.filter(edition_id=edition_id, state=RoundState.CERTIFIED)
    if category_id is not None:
        rounds = rounds.filter(category_id=category_id)
    codes: dict[int, list[str]] = {}
    for cat_id, result in rounds.order_by("category_id", "number").values_list(
        "category_id", "result"
    ):
        bucket = codes.setdefault(cat_id, [])
        for code in (result or {}).get("winners", []):
            if code not in bucket:
                bucket.append(code)
    return codes


def certified_winners(category: Category) -> list[Nomination]:
    """The category's winners so far (certified_codes), as nominations, in the same order."""
    codes = certified_codes(category.edition_id, category_id=category.pk).get(category.pk, [])
    by_code = {
        n.code: n
        for n in Nomination.objects.filter(category=category, code__in=codes).select_related(
            "organisation", "direction"
        )
    }
    return [by_code[code] for code in codes if code in by_code]


# A finalist stays one of the final's entries once its round is certified, as a winner or not.
REACHED_THE_FINAL = (NominationState.FINALIST, NominationState.WINNER, NominationState.NOT_SELECTED)


def final_entries_of_edition(edition: Edition) -> QuerySet[Nomination]:
    """The nominations that reached the final evaluation: finalists still to be voted on, and
    those a certified round made winners or not selected."""
    return Nomination.objects.filter(edition=edition, state__in=REACHED_THE_FINAL)


# --- Late conflicts -------------------------------------------------------------------------


@dataclass(frozen=True)
class LateConflict:
    """A conflict recorded after the round opened: a member on the frozen list, an item of the
    round, and no recusal for them (recusals are frozen at opening, like the voter list)."""

    nomination: Nomination
    expert: Expert
    recorded_at: object
    sources: tuple[str, ...]


# Rounds whose recusals were frozen: a conflict recorded since cannot reach their ballots.
_FROZEN_STATES = (
    RoundState.OPEN,
    RoundState.AWAITING_COUNT,
    RoundState.CLOSED,
    RoundState.CERTIFIED,
)


def late_conflicts(round: BallotRound) -> list[LateConflict]:
    """The round's late conflicts, one row per member and item (one query).

    A sealed ballot carries no voter, so a late conflict cannot take anything out of it: the
    rule (docs/conflicts.md) is that before the count the round is voided with the reason and
    held again (its recusals frozen afresh with the conflict in them); after the count the
    result stands and the objection procedure covers the item.
    """
    if round.state not in _FROZEN_STATES:
        return []
    recused = Recusal.objects.filter(
        round=round, voter__expert=OuterRef("expert"), nomination=OuterRef("nomination")
    )
    conflicts = (
        Conflict.objects.filter(nomination__in=round.items.all(), expert__round_voters__round=round)
        .exclude(Exists(recused))
        .select_related("expert", "nomination")
        .order_by("nomination__code", "expert__name_en", "expert_id", "created_at")
    )
    rows: dict[tuple[int, int], LateConflict] = {}
    for conflict in conflicts:
        pair = (conflict.expert_id, conflict.nomination_id)
        found = rows.get(pair)
        if found is None:
            rows[pair] = LateConflict(
                nomination=conflict.nomination,
                expert=conflict.expert,
                recorded_at=conflict.created_at,
                sources=(conflict.get_source_display(),),
            )
        else:
            rows[pair] = LateConflict(
                nomination=found.nomination,
                expert=found.expert,
                recorded_at=found.recorded_at,
                sources=(*found.sources, conflict.get_source_display()),
            )
    return list(rows.values())
