"""Reads of the preliminary evaluation's scoring, with their joins chosen once.

The expert's dashboard and the organisers' ranking each read a fixed number of queries,
whatever the number of entries, experts or reviews.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from review import scoring
from review.models import Assignment, Conflict, Criterion, CriterionScore, Expert, Review
from submissions.models import Category, Edition, Nomination
from submissions.states import Channel, NominationState

# Entries whose preliminary evaluation is under way or decided.
REVIEWED_STATES = (
    NominationState.IN_REVIEW,
    NominationState.SHORTLISTED,
    NominationState.NOT_SHORTLISTED,
    NominationState.FINALIST,
    NominationState.WINNER,
    NominationState.NOT_SELECTED,
)


def finalist_candidate_filter() -> Q:
    """Who becomes a finalist when the secretariat confirms a category: the shortlisted
    entries and the eligible expert recommendations (which skip the preliminary ranking).
    The one home of the rule; `finalist_candidates` applies it to a category."""
    return Q(state=NominationState.SHORTLISTED) | Q(
        state=NominationState.ELIGIBLE, channel=Channel.EXPERT
    )


def finalist_candidates(category: Category) -> QuerySet[Nomination]:
    """The category's finalist candidates, by code."""
    return (
        Nomination.objects.filter(category=category)
        .filter(finalist_candidate_filter())
        .order_by("code")
    )


def _not_conflicted(queryset: QuerySet[Assignment]) -> QuerySet[Assignment]:
    # An assignment made by mistake to a conflicted expert stays invisible to them.
    return queryset.filter(
        ~Exists(
            Conflict.objects.filter(expert=OuterRef("expert"), nomination=OuterRef("nomination"))
        )
    )


def assignments_for_expert(expert: Expert) -> QuerySet[Assignment]:
    """The expert's assigned entries (never a conflicted one), with their reviews: one query."""
    return (
        _not_conflicted(Assignment.objects.filter(expert=expert))
        .select_related("nomination__category", "nomination__direction", "review")
        .order_by("nomination__category__code", "nomination__code")
    )


def assignment_for_entry(user, code: str) -> Assignment | None:
    """The user's assignment to the entry `code` if they may review it (assigned, not
    conflicted), else None: the views answer 404."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        _not_conflicted(Assignment.objects.filter(expert__user=user, nomination__code=code))
        .select_related(
            "expert__edition",
            "nomination__edition",
            "nomination__category",
            "nomination__direction",
            "nomination__organisation",
            "review",
        )
        .first()
    )


def criteria_with_scores(assignment: Assignment) -> tuple[list[Criterion], dict[int, int]]:
    criteria = list(
        Criterion.objects.filter(category_id=assignment.nomination.category_id).order_by(
            "position", "code"
        )
    )
    review = getattr(assignment, "review", None)
    scores = (
        dict(CriterionScore.objects.filter(review=review).values_list("criterion_id", "score"))
        if review is not None
        else {}
    )
    return criteria, scores


def review_total(review: Review, weights: dict[int, float]) -> float | None:
    """The weighted mean of a complete review, or None while a criterion lacks a score."""
    scores = {s.criterion_id: s.score for s in review.scores.all()}
    if set(scores) != set(weights) or not weights:
        return None
    return scoring.weighted_total(scores, weights)


def others_totals(assignment: Assignment) -> list[float]:
    """The other experts' totals of the same entry, anonymised and sorted: shown to an expert
    only once their own review is submitted."""
    weights = {
        c.pk: float(c.weight)
        for c in Criterion.objects.filter(category_id=assignment.nomination.category_id)
    }
    reviews = (
        Review.objects.filter(
            assignment__nomination_id=assignment.nomination_id, state=Review.State.SUBMITTED
        )
        .exclude(assignment=assignment)
        .prefetch_related("scores")
    )
    totals = [review_total(review, weights) for review in reviews]
    return sorted((t for t in totals if t is not None), reverse=True)


# --- Ranking --------------------------------------------------------------------------------


@dataclass
class ReviewRow:
    review: Review
    expert: Expert
    nomination_id: int
    total: float


@dataclass
class RankingRow:
    nomination: Nomination
    assigned: int
    submitted: int
    score: scoring.EntryScore | None = None
    rank: int | None = None
    preselected: bool = False

    @property
    def shortlistable(self) -> bool:
        """Still to be decided by the shortlist (expert recommendations never are)."""
        return self.nomination.channel != Channel.EXPERT and self.nomination.state in (
            NominationState.IN_REVIEW,
            NominationState.ELIGIBLE,
        )


@dataclass
class CategoryRanking:
    category: Category
    criteria: list[Criterion]
    rows: list[RankingRow]
    totals: list[float]

    @property
    def decided(self) -> bool:
        """The shortlist is confirmed once no ranked entry is still in review."""
        return bool(self.rows) and not any(
            row.nomination.state == NominationState.IN_REVIEW for row in self.rows
        )

    @property
    def expert_recommendations(self) -> list[Nomination]:
        return [row.nomination for row in self.rows if row.nomination.channel == Channel.EXPERT]


@dataclass
class EditionRanking:
    edition: Edition
    categories: list[CategoryRanking]
    reviews: list[ReviewRow]
    # Each expert's leniency: how far their totals sit above the rest (calibration offsets).
    offsets: list[tuple[Expert, float]]
    progress: list[tuple[date, int]]
    assigned_total: int
    expert_recommendations: dict[int, list[Nomination]] = field(default_factory=dict)


def edition_ranking(edition: Edition) -> EditionRanking:
    """Everything the ranking page shows, in a fixed number of queries.

    Per category, on its submitted reviews: each entry's mean, median, spread, count and
    calibrated score (review.scoring), and its rank by raw mean. Entries without a submitted
    review come last, unranked.
    """
    categories = list(edition.categories.order_by("code"))
    criteria = list(
        Criterion.objects.filter(category__edition=edition).order_by("position", "code")
    )
    weights_by_category: dict[int, dict[int, float]] = defaultdict(dict)
    criteria_by_category: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        weights_by_category[criterion.category_id][criterion.pk] = float(criterion.weight)
        criteria_by_category[criterion.category_id].append(criterion)

    conflicted = set(
        Conflict.objects.filter(expert__edition=edition).values_list("expert_id", "nomination_id")
    )
    reviews = (
        Review.objects.filter(assignment__expert__edition=edition, state=Review.State.SUBMITTED)
        .select_related("assignment__expert", "assignment__nomination")
        .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.order_by("pk")))
        .order_by("submitted_at", "pk")
    )
    review_rows: list[ReviewRow] = []
    for review in reviews:
        assignment = review.assignment
        if (assignment.expert_id, assignment.nomination_id) in conflicted:
            continue
        total = review_total(review, weights_by_category.get(assignment.nomination.category_id, {}))
        if total is None:
            continue
        review_rows.append(
            ReviewRow(
                review=review,
                expert=assignment.expert,
                nomination_id=assignment.nomination_id,
                total=total,
            )
        )

    nominations = list(
        Nomination.objects.filter(edition=edition)
        .filter(
            Q(state__in=REVIEWED_STATES)
            | Q(assignments__isnull=False)
            | finalist_candidate_filter()
        )
        .exclude(state=NominationState.WITHDRAWN)
        .distinct()
        .select_related("category", "direction", "organisation")
        .order_by("code")
    )
    assigned_counts: dict[int, int] = defaultdict(int)
    for expert_id, nomination_id in Assignment.objects.filter(
        nomination__edition=edition
    ).values_list("expert_id", "nomination_id"):
        if (expert_id, nomination_id) not in conflicted:
            assigned_counts[nomination_id] += 1

    by_category: list[CategoryRanking] = []
    for category in categories:
        category_nominations = [n for n in nominations if n.category_id == category.pk]
        ids = {n.pk for n in category_nominations}
        triples = [
            (row.nomination_id, row.expert.pk, row.total)
            for row in review_rows
            if row.nomination_id in ids
        ]
        scores = scoring.aggregate(triples)
        order = scoring.rank(scores)
        rows_by_id = {
            n.pk: RankingRow(
                nomination=n,
                assigned=assigned_counts.get(n.pk, 0),
                submitted=scores[n.pk].count if n.pk in scores else 0,
                score=scores.get(n.pk),
            )
            for n in category_nominations
        }
        rows: list[RankingRow] = []
        for position, nomination_id in enumerate(order, start=1):
            row = rows_by_id.pop(nomination_id)
            row.rank = position
            rows.append(row)
        rows.extend(rows_by_id.values())
        # Preselected for the shortlist: the best-ranked entries of the open and secretariat
        # channels (expert recommendations go to the final directly), up to the size.
        candidates = [
            row for row in rows if row.rank is not None and row.nomination.channel != Channel.EXPERT
        ]
        for row in candidates[: category.shortlist_size]:
            row.preselected = True
        by_category.append(
            CategoryRanking(
                category=category,
                criteria=criteria_by_category.get(category.pk, []),
                rows=rows,
                totals=[row.total for row in review_rows if row.nomination_id in ids],
            )
        )

    _quality, offsets = scoring.calibrate(
        (row.nomination_id, row.expert.pk, row.total) for row in review_rows
    )
    experts = {row.expert.pk: row.expert for row in review_rows}
    offset_rows = sorted(
        ((experts[pk], value) for pk, value in offsets.items()),
        key=lambda pair: (-pair[1], pair[0].name_en),
    )

    per_day: dict[date, int] = defaultdict(int)
    for review_row in review_rows:
        if review_row.review.submitted_at is not None:
            per_day[timezone.localtime(review_row.review.submitted_at).date()] += 1
    progress: list[tuple[date, int]] = []
    running = 0
    for day in sorted(per_day):
        running += per_day[day]
        progress.append((day, running))

    return EditionRanking(
        edition=edition,
        categories=by_category,
        reviews=review_rows,
        offsets=offset_rows,
        progress=progress,
        assigned_total=sum(assigned_counts.values()),
    )


@dataclass
class ExpertProgress:
    expert: Expert
    assigned: int = 0
    drafts: int = 0
    submitted: int = 0
    last_reminder: datetime | None = None

    @property
    def not_started(self) -> int:
        return self.assigned - self.drafts - self.submitted

    @property
    def finished(self) -> bool:
        return self.assigned > 0 and self.submitted == self.assigned


def expert_progress(edition: Edition) -> list[ExpertProgress]:
    """Per expert of the edition: assigned, drafts, submitted and the last reminder (4 queries)."""
    from core.emails import queued_under

    from .services import reminder_key_prefix

    experts = list(Expert.objects.filter(edition=edition).select_related("user"))
    rows = {expert.pk: ExpertProgress(expert=expert) for expert in experts}
    conflicted = set(
        Conflict.objects.filter(expert__edition=edition).values_list("expert_id", "nomination_id")
    )
    for expert_id, nomination_id, state in Assignment.objects.filter(
        expert__edition=edition
    ).values_list("expert_id", "nomination_id", "review__state"):
        if (expert_id, nomination_id) in conflicted:
            continue
        row = rows[expert_id]
        row.assigned += 1
        if state == Review.State.SUBMITTED:
            row.submitted += 1
        elif state == Review.State.DRAFT:
            row.drafts += 1
    # The reminders' e-mails, not the audit trail, say when each expert was last reminded.
    prefix = reminder_key_prefix(edition)
    for key, queued_at in queued_under(prefix):
        reminded = key[len(prefix) :].split(":", 1)[0]
        progress = rows.get(int(reminded)) if reminded.isdigit() else None
        if progress is not None and (
            progress.last_reminder is None or queued_at > progress.last_reminder
        ):
            progress.last_reminder = queued_at
    return sorted(rows.values(), key=lambda r: (r.finished, r.expert.name_en))
