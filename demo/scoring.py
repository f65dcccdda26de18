"""The demo's preliminary evaluation: criteria, assignments, scores, the shortlist.

`build_review` (seed_demo --stage review) gives every eligible entry its experts and leaves
the reviews partly done: most submitted over the first days of the window, some drafts, some
not started. `build_shortlist` (--stage shortlist) finishes every review, confirms each
category's shortlist as ranked, and confirms the finalists with the expert recommendations.

Scores are made from a hidden quality per entry, a leniency per expert and some noise, so the
ranking, the calibration and the charts have something real to show. Seeded: the same demo
every time.
"""

from __future__ import annotations

import random
from datetime import timedelta

from review.models import Assignment, Criterion, CriterionScore, Review
from review.queries import entries_to_review
from review.services import (
    execute_assignment_run,
    refresh_automatic_conflicts,
    start_assignment_run,
)
from scoring.queries import edition_ranking
from scoring.services import (
    ShortlistError,
    confirm_finalists,
    confirm_shortlist,
    ensure_default_criteria,
    preliminary_window,
)

from .expertise import write_bids

SEED = 2022
# Share of the assignments reviewed at the "review" stage: submitted, then drafts.
SUBMITTED_SHARE = 0.55
DRAFT_SHARE = 0.15
COMMENTS = (
    (
        "技术路线清晰，实验数据充分，建议关注量产一致性。",
        "A clear route with solid data; watch consistency at scale.",
    ),
    (
        "创新点突出，但与国际同类技术的对比不够充分。",
        "Strong novelty, but the comparison with peers abroad is thin.",
    ),
    (
        "应用前景广阔，成本与可靠性仍需进一步验证。",
        "Wide prospects; cost and reliability still need proof.",
    ),
    (
        "材料完整，指标先进，建议入围。",
        "Complete materials and advanced indicators; recommend shortlisting.",
    ),
    ("", ""),
)


def _score(rng: random.Random, quality: float, leniency: float) -> int:
    return max(1, min(10, round(quality + leniency + rng.gauss(0, 0.9))))


def _write_reviews(demo, *, share_submitted: float, share_draft: float) -> None:
    edition = demo.edition
    rng = random.Random(SEED)  # noqa: S311  # nosec B311  # reproducible demo data, not a secret
    window = preliminary_window(edition)
    criteria_by_category: dict[int, list[Criterion]] = {}
    for criterion in Criterion.objects.filter(category__edition=edition).order_by(
        "position", "code"
    ):
        criteria_by_category.setdefault(criterion.category_id, []).append(criterion)
    assignments = list(
        Assignment.objects.filter(expert__edition=edition, review__isnull=True)
        .select_related("nomination", "expert")
        .order_by("nomination__code", "expert__name_en")
    )
    quality = {a.nomination_id: rng.uniform(4.0, 8.5) for a in assignments}
    leniency = {a.expert_id: rng.gauss(0, 0.8) for a in assignments}
    # Submissions spread over the part of the window that has passed.
    latest = min(demo.now, window.closes_at - timedelta(hours=1)) if window else demo.now
    earliest = window.opens_at + timedelta(hours=9) if window else demo.now
    span = max((latest - earliest).total_seconds(), 3600)

    reviews, planned_scores = [], []
    for assignment in assignments:
        draw = rng.random()
        if draw < share_submitted:
            state = Review.State.SUBMITTED
        elif draw < share_submitted + share_draft:
            state = Review.State.DRAFT
        else:
            continue
        criteria = criteria_by_category.get(assignment.nomination.category_id, [])
        scores = [
            _score(rng, quality[assignment.nomination_id], leniency[assignment.expert_id])
            for _ in criteria
        ]
        if state == Review.State.DRAFT:
            scores = scores[: rng.randint(1, max(len(scores) - 1, 1))]
        zh, en = COMMENTS[rng.randrange(len(COMMENTS))]
        submitted_at = earliest + timedelta(seconds=span * rng.random() ** 0.7)
        reviews.append(
            Review(
                assignment=assignment,
                state=state,
                comment=f"{zh}\n{en}".strip(),
                confidence=rng.choice((2, 2, 3, 3, 1)) if state == Review.State.SUBMITTED else None,
                submitted_at=submitted_at if state == Review.State.SUBMITTED else None,
                version=2,
            )
        )
        planned_scores.append(list(zip(criteria, scores, strict=False)))
    Review.objects.bulk_create(reviews)
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion=criterion, score=score)
        for review, pairs in zip(reviews, planned_scores, strict=True)
        for criterion, score in pairs
    )


def build_review(demo) -> None:
    """Preliminary evaluation open: criteria, conflicts, assignments, reviews partly done."""
    organiser = demo.people.organiser
    ensure_default_criteria(edition=demo.edition, actor=organiser)
    refresh_automatic_conflicts(edition=demo.edition, actor=organiser)
    # Bidding closed before the preliminary evaluation: about half the committee said what it
    # would like to review.
    write_bids(demo.edition, list(entries_to_review(demo.edition)))
    _committee_accepted(demo)
    experts = demo.edition.experts.count()
    per_entry = min(demo.edition.reviewers_per_entry, max(experts - 1, 1))
    # A run, as the organiser starts it from the assignment page, done at once here (its
    # queued task then finds it done): the page shows the run and its summary.
    run = start_assignment_run(edition=demo.edition, per_entry=per_entry, actor=organiser)
    run = execute_assignment_run(run=run)
    if run.state != run.State.DONE:
        raise RuntimeError(f"The demo's assignment run failed: {run.error}")
    _write_reviews(demo, share_submitted=SUBMITTED_SHARE, share_draft=DRAFT_SHARE)


def _committee_accepted(demo) -> None:
    """The committee reviewing has been invited and has accepted, a fortnight and ten days
    before the preliminary evaluation opened (the committee page says so)."""
    opens = preliminary_window(demo.edition).opens_at
    demo.edition.experts.filter(invited_at__isnull=True).update(
        invited_at=opens - timedelta(days=14)
    )
    demo.edition.experts.filter(accepted_at__isnull=True).update(
        accepted_at=opens - timedelta(days=10)
    )


def build_shortlist(demo) -> None:
    """Preliminary evaluation over: every review submitted, shortlists and finalists confirmed."""
    organiser = demo.people.organiser
    edition = demo.edition
    window = preliminary_window(edition)
    # The drafts left at the review stage are finished now.
    Review.objects.filter(assignment__expert__edition=edition, state=Review.State.DRAFT).delete()
    _write_reviews(demo, share_submitted=1.0, share_draft=0.0)
    if window is not None:
        Review.objects.filter(
            assignment__expert__edition=edition, submitted_at__gte=window.closes_at
        ).update(submitted_at=window.closes_at - timedelta(hours=2))
    ranking = edition_ranking(edition)
    for section in ranking.categories:
        chosen = [row.nomination.pk for row in section.rows if row.preselected]
        confirm_shortlist(
            category=section.category,
            shortlisted_ids=chosen,
            actor=organiser,
            # Recorded only if the demo's window is still open (every review is submitted).
            acknowledged=True,
            acknowledgement="Demo edition: the shortlist follows the preselection.",
        )
        try:
            confirm_finalists(category=section.category, actor=organiser)
        except ShortlistError:
            continue  # a category without any entry to confirm
