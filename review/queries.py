"""Reads of the evaluation that span relations, with their joins chosen once."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from submissions.models import Direction, Edition, Nomination
from submissions.states import Channel, NominationState

from .models import Assignment, Bid, Conflict, Expert, PairRule, Review

# What the preliminary evaluation reviews: eligible entries of the open and secretariat
# channels. Expert recommendations skip it and go straight to the final evaluation.
REVIEWED_CHANNELS = (Channel.OPEN, Channel.SECRETARIAT)
REVIEWED_STATES = (NominationState.ELIGIBLE, NominationState.IN_REVIEW)
# Entries an expert may declare a conflict with: everything still in the selection.
DECLARABLE_STATES = (
    NominationState.ELIGIBLE,
    NominationState.IN_REVIEW,
    NominationState.SHORTLISTED,
    NominationState.FINALIST,
)


def entries_to_review(edition: Edition) -> QuerySet[Nomination]:
    return Nomination.objects.filter(
        edition=edition, state__in=REVIEWED_STATES, channel__in=REVIEWED_CHANNELS
    ).order_by("code")


def declarable_nominations(edition: Edition) -> QuerySet[Nomination]:
    return Nomination.objects.filter(edition=edition, state__in=DECLARABLE_STATES).order_by("code")


def biddable_nominations(expert: Expert) -> QuerySet[Nomination]:
    """The entries an expert may bid on and read the summary of: the entries to review that
    the expert has no conflict with (the widened visibility of the bidding list, no more)."""
    return entries_to_review(expert.edition).exclude(
        Exists(Conflict.objects.filter(expert=expert, nomination=OuterRef("pk")))
    )


def bidding_list(expert: Expert, *, direction: int | None = None, search: str = ""):
    """The bidding list's rows with direction and the expert's own bid (2 queries)."""
    from django.db.models import Q, Subquery

    entries = biddable_nominations(expert).select_related("direction")
    if direction:
        entries = entries.filter(direction_id=direction)
    if search:
        entries = entries.filter(
            Q(code__icontains=search)
            | Q(title_zh__icontains=search)
            | Q(title_en__icontains=search)
            | Q(summary_zh__icontains=search)
            | Q(summary_en__icontains=search)
        )
    return entries.annotate(
        my_bid=Subquery(
            Bid.objects.filter(expert=expert, nomination=OuterRef("pk")).values("preference")[:1]
        )
    ).only(
        "pk",
        "code",
        "title_zh",
        "title_en",
        "summary_zh",
        "summary_en",
        "direction__name_zh",
        "direction__name_en",
        "direction__code",
    )


def bidding_progress(edition: Edition) -> QuerySet[Expert]:
    """Each expert with the number of preferences given, per kind (1 query)."""
    from django.db.models import Q

    return (
        Expert.objects.filter(edition=edition)
        .annotate(
            bids_total=Count("bids", distinct=True),
            bids_eager=Count("bids", filter=Q(bids__preference=Bid.Preference.EAGER)),
            bids_willing=Count("bids", filter=Q(bids__preference=Bid.Preference.WILLING)),
            bids_unwilling=Count("bids", filter=Q(bids__preference=Bid.Preference.UNWILLING)),
        )
        .order_by("name_en", "name_zh", "pk")
    )


def committee(edition: Edition) -> QuerySet[Expert]:
    """The edition's experts with their directions, load and conflicts count (3 queries)."""
    return (
        Expert.objects.filter(edition=edition)
        .select_related("user", "organisation")
        .prefetch_related(
            Prefetch("directions", queryset=Direction.objects.order_by("position", "code"))
        )
        .annotate(
            load=Count("assignments", distinct=True),
            conflicts_count=Count("conflicts__nomination", distinct=True),
        )
        .order_by("name_en", "name_zh", "pk")
    )


def expert_for_user(user, edition: Edition) -> Expert | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(edition=edition, user=user).first()


def conflicts_of_expert(expert: Expert) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(expert=expert)
        .select_related("nomination", "created_by")
        .order_by("nomination__code", "source")
    )


def conflicts_of_nomination(nomination: Nomination) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(nomination=nomination)
        .select_related("expert", "created_by")
        .order_by("expert__name_en", "source")
    )


def edition_conflicts(edition: Edition) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(nomination__edition=edition)
        .select_related("expert", "nomination", "created_by")
        .order_by("nomination__code", "expert__name_en", "source")
    )


def conflicted_expert_ids(nomination: Nomination) -> set[int]:
    """Experts who must not judge this nomination (any source): recused from its ballot item."""
    return set(Conflict.objects.filter(nomination=nomination).values_list("expert_id", flat=True))


def recused_experts(edition: Edition) -> dict[int, set[int]]:
    """For the ballot: nomination id → ids of the experts recused from it, in one query."""
    recused: dict[int, set[int]] = defaultdict(set)
    for nomination_id, expert_id in Conflict.objects.filter(
        nomination__edition=edition
    ).values_list("nomination_id", "expert_id"):
        recused[nomination_id].add(expert_id)
    return dict(recused)


def conflicted_pairs(edition: Edition) -> set[tuple[int, int]]:
    """(expert id, nomination id) of every conflict of the edition."""
    return set(
        Conflict.objects.filter(nomination__edition=edition).values_list(
            "expert_id", "nomination_id"
        )
    )


def started_assignments(edition: Edition) -> QuerySet[Assignment]:
    """Assignments whose review has begun: re-running the solver keeps them."""
    return Assignment.objects.filter(nomination__edition=edition).filter(
        Exists(Review.objects.filter(assignment=OuterRef("pk")))
    )


def pair_rules(edition: Edition) -> QuerySet[PairRule]:
    return PairRule.objects.filter(nomination__edition=edition)


def assignment_table(edition: Edition) -> dict:
    """Everything the entries × experts table shows, in a fixed number of queries."""
    from .assignment_data import DIRECTION_MATCH

    experts = list(
        Expert.objects.filter(edition=edition)
        .prefetch_related("directions")
        .annotate(load=Count("assignments", distinct=True))
        .order_by("name_en", "name_zh", "pk")
    )
    entries = list(entries_to_review(edition).select_related("direction", "category"))
    assignments = {
        (a.expert_id, a.nomination_id): a
        for a in Assignment.objects.filter(nomination__edition=edition).annotate(
            started=Exists(Review.objects.filter(assignment=OuterRef("pk")))
        )
    }
    conflicts = conflicted_pairs(edition)
    rules = {(r.expert_id, r.nomination_id): r.kind for r in pair_rules(edition)}
    expert_directions = {e.pk: {d.pk for d in e.directions.all()} for e in experts}
    rows = []
    for entry in entries:
        cells = []
        assigned = 0
        for expert in experts:
            pair = (expert.pk, entry.pk)
            assignment = assignments.get(pair)
            assigned += assignment is not None
            cells.append(
                {
                    "expert": expert,
                    "assignment": assignment,
                    "started": bool(assignment is not None and assignment.started),
                    "conflict": pair in conflicts,
                    "rule": rules.get(pair, ""),
                    "match": entry.direction_id in expert_directions[expert.pk],
                    "affinity": DIRECTION_MATCH
                    if entry.direction_id in expert_directions[expert.pk]
                    else 0.0,
                }
            )
        rows.append({"entry": entry, "cells": cells, "assigned": assigned})
    return {"experts": experts, "rows": rows}
