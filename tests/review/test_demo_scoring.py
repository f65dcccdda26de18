"""seed_demo's review and shortlist stages: partly finished reviews, then confirmed finalists."""

from datetime import UTC, datetime

import pytest
from django.db.models import Count

from demo.builders import build_demo
from review.models import Assignment, Criterion, Review
from submissions.models import Nomination

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 9, 1, 4, tzinfo=UTC)


def _states(edition, **filters):
    return dict(
        Nomination.objects.filter(edition=edition, **filters)
        .values_list("state")
        .annotate(n=Count("id"))
    )


def test_review_stage_has_assignments_and_partly_finished_reviews():
    demo = build_demo(year=2030, stage="review", experts=8, nominations=30, now=NOW)

    reviews = dict(
        Review.objects.filter(assignment__expert__edition=demo.edition)
        .values_list("state")
        .annotate(n=Count("id"))
    )
    assignments = Assignment.objects.filter(expert__edition=demo.edition).count()

    assert Criterion.objects.filter(category__edition=demo.edition).count() == 8
    assert assignments > 0
    assert reviews["submitted"] > 0
    assert reviews["draft"] > 0
    assert reviews["submitted"] + reviews["draft"] < assignments
    assert _states(demo.edition, channel__in=["open", "secretariat"]).get("in_review", 0) > 0


def test_shortlist_stage_finishes_reviews_and_confirms_the_finalists():
    demo = build_demo(year=2030, stage="shortlist", experts=8, nominations=30, now=NOW)

    unfinished = Review.objects.filter(assignment__expert__edition=demo.edition).exclude(
        state="submitted"
    )
    without_review = Assignment.objects.filter(expert__edition=demo.edition, review__isnull=True)

    assert not unfinished.exists()
    assert not without_review.exists()
    for category in demo.edition.categories.all():
        reviewed = _states(demo.edition, category=category, channel__in=["open", "secretariat"])
        assert "in_review" not in reviewed
        assert "shortlisted" not in reviewed  # every shortlisted entry became a finalist
        assert 0 < reviewed.get("finalist", 0) <= category.shortlist_size
    recommended = _states(demo.edition, channel="expert")
    assert "eligible" not in recommended
