"""Reads of the evaluation that span relations, with their joins chosen once."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from submissions.models import Direction, Edition, Nomination
from submissions.states import Channel, NominationState

from .models import Assignment, Conflict, Expert, PairRule, Review

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
