"""Reads of the evaluation that span relations, with their joins chosen once."""

import hashlib
from collections import defaultdict

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from submissions.models import Direction, Edition, Nomination
from submissions.queries import committee_membership
from submissions.states import Channel, NominationState

from .assignment_data import (
    DEFAULT_WEIGHTS,
    AffinityParts,
    EntryRow,
    ExpertRow,
    Weights,
    affinity_parts,
)
from .models import Assignment, AssignmentSettings, Bid, Conflict, Expert, PairRule, Review
from .text_affinity import Texts

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


def expert_for(user, edition: Edition | None) -> Expert | None:
    """The user's committee membership in the edition, or None: the one lookup of it, which
    lives in `submissions.queries.committee_membership` (below review in the order of apps,
    which reaches Expert through the edition's reverse relation)."""
    return committee_membership(user, edition)


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
    """Everything the entries × experts table shows, in a fixed number of queries, with each
    pair's affinity explained (direction, text, bid) as the solver would score it now."""
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
    weights = edition_weights(edition)
    parts = edition_affinity([entry_row(n) for n in entries], expert_rows(edition, experts))
    rows = []
    for i, entry in enumerate(entries):
        cells = []
        assigned = 0
        for j, expert in enumerate(experts):
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
                    "match": bool(parts.direction[i, j]),
                    "why": parts.explain(i, j, weights),
                }
            )
        rows.append({"entry": entry, "cells": cells, "assigned": assigned})
    return {"experts": experts, "rows": rows}


# --- The assignment's view of entries and experts ---------------------------------------------


def entry_row(n: Nomination) -> EntryRow:
    """What the assignment knows of an entry; its texts are what the experts' words meet."""
    return EntryRow(
        id=n.pk,
        code=n.code,
        title_zh=n.title_zh,
        title_en=n.title_en,
        direction_id=n.direction_id,
        texts=Texts(
            zh="\n".join(
                filter(None, (n.title_zh, n.summary_zh, n.description_zh, n.innovations_zh))
            ),
            en="\n".join(
                filter(None, (n.title_en, n.summary_en, n.description_en, n.innovations_en))
            ),
        ),
    )


def expert_row(e: Expert, bids: dict[int, list[tuple[int, int]]]) -> ExpertRow:
    return ExpertRow(
        id=e.pk,
        name_zh=e.name_zh,
        name_en=e.name_en,
        direction_ids=frozenset(d.pk for d in e.directions.all()),
        texts=Texts(
            zh="\n".join(filter(None, (e.statement_zh, e.keywords_zh))),
            en="\n".join(filter(None, (e.statement_en, e.keywords_en))),
        ),
        bids=frozenset(bids.get(e.pk, ())),
    )


def edition_bids(edition: Edition) -> dict[int, list[tuple[int, int]]]:
    """Each expert's bids as (nomination id, preference) (1 query)."""
    bids: dict[int, list[tuple[int, int]]] = {}
    for expert_id, nomination_id, preference in Bid.objects.filter(
        expert__edition=edition
    ).values_list("expert_id", "nomination_id", "preference"):
        bids.setdefault(expert_id, []).append((nomination_id, preference))
    return bids


def expert_rows(edition: Edition, experts=None) -> list[ExpertRow]:
    """The experts as the assignment knows them (2 queries, or 1 with `experts` prefetched)."""
    if experts is None:
        experts = list(
            Expert.objects.filter(edition=edition).prefetch_related("directions").order_by("pk")
        )
    bids = edition_bids(edition)
    return [expert_row(e, bids) for e in experts]


def edition_weights(edition: Edition) -> Weights:
    """The organisers' weights, or the documented defaults when none were saved."""
    settings = AssignmentSettings.objects.filter(edition=edition).first()
    if settings is None:
        return DEFAULT_WEIGHTS
    return Weights(
        direction=float(settings.direction_weight),
        text=float(settings.text_weight),
        bid=float(settings.bid_weight),
        strong_threshold=float(settings.strong_threshold),
        strong_minimum=settings.strong_minimum,
    )


def pair_explanation(edition: Edition, nomination: Nomination, expert: Expert) -> dict | None:
    """Why the pair scores what it does, against the whole edition (the text scale and the
    n-gram weights depend on every text), or None when the entry is not one to review."""
    entries = list(entries_to_review(edition))
    experts = list(
        Expert.objects.filter(edition=edition).prefetch_related("directions").order_by("pk")
    )
    index = {n.pk: i for i, n in enumerate(entries)}
    column = {e.pk: j for j, e in enumerate(experts)}
    if nomination.pk not in index or expert.pk not in column:
        return None
    parts = edition_affinity([entry_row(n) for n in entries], expert_rows(edition, experts))
    return parts.explain(index[nomination.pk], column[expert.pk], edition_weights(edition))


# --- The text affinity, computed once per assignment run ---------------------------------------

# The text affinity is the costly part of a pair's affinity (a TF-IDF over every text of the
# edition, seconds for a large one). The assignment run computes it and keeps it in the cache
# under a digest of the very texts it read (ids and both languages, in order); the assignment
# pages read it back instead of computing it on every load. An edited text changes the digest,
# so a page never shows a score for texts that are no longer there: it computes the new one
# once and keeps it the same way. Above the size limit nothing is kept (tens of megabytes).
TEXT_AFFINITY_SECONDS = 30 * 24 * 3600
TEXT_AFFINITY_MAX_PAIRS = 2_000_000


def _text_affinity_key(entries: list[EntryRow], experts: list[ExpertRow]) -> str | None:
    """The digest of the texts in id order (the pages list experts by name, the run by id)."""
    if not entries or not experts or len(entries) * len(experts) > TEXT_AFFINITY_MAX_PAIRS:
        return None
    digest = hashlib.sha256()
    for side in ([(e.id, e.texts) for e in entries], [(x.id, x.texts) for x in experts]):
        for row_id, texts in sorted(side, key=lambda pair: pair[0]):
            digest.update(f"{row_id}\x1f{texts.zh}\x1f{texts.en}\x1e".encode())
        digest.update(b"\x1d")
    return f"review:text-affinity:{digest.hexdigest()}"


def edition_affinity(entries: list[EntryRow], experts: list[ExpertRow]) -> AffinityParts:
    """`affinity_parts` with the text affinity read from the cache when these texts have been
    scored already (by the run), and kept there when not. Kept in id order, given in the
    order of `entries` and `experts`."""
    key = _text_affinity_key(entries, experts)
    if key is None:
        return affinity_parts(entries, experts)
    by_id_e = np.argsort([row.id for row in entries], kind="stable")
    by_id_x = np.argsort([row.id for row in experts], kind="stable")
    kept = cache.get(key)
    if kept is not None:
        # Row r of the kept matrices is entries[by_id_e[r]]: put each back in its place.
        rows, columns = np.argsort(by_id_e), np.argsort(by_id_x)
        text = (kept[0][np.ix_(rows, columns)], kept[1][np.ix_(rows, columns)])
        return affinity_parts(entries, experts, text=text)
    parts = affinity_parts(entries, experts)
    in_id_order = np.ix_(by_id_e, by_id_x)
    cache.set(key, (parts.text[in_id_order], parts.comparable[in_id_order]), TEXT_AFFINITY_SECONDS)
    return parts
