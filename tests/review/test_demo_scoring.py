"""seed_demo's review and shortlist stages: partly finished reviews, then confirmed finalists."""

from datetime import UTC, datetime

import pytest
from django.db import models
from django.db.models import Count

from demo.builders import build_demo
from review.models import Assignment, AssignmentRun, Criterion, Review
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
    # As the organiser's pages tell it: the committee accepted its invitations, and the
    # assignment was a run of the solver, done, whose summary counts what is there.
    experts = demo.edition.experts.all()
    opens = demo.edition.window("preliminary").opens_at
    assert all(e.invited_at < e.accepted_at < opens for e in experts)
    [run] = AssignmentRun.objects.filter(edition=demo.edition)
    assert (run.state, run.summary["created"]) == (AssignmentRun.State.DONE, assignments)


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


def test_review_stage_has_statements_bids_and_an_assignment_better_than_direction_only():
    import json
    from io import StringIO

    from django.core.management import call_command

    from review.models import Bid, Conflict, Expert

    demo = build_demo(year=2030, stage="review", experts=31, nominations=60, now=NOW)
    experts = Expert.objects.filter(edition=demo.edition)
    out = StringIO()

    call_command("assignment_quality", "--year", "2030", stdout=out)

    figures = json.loads(out.getvalue())
    assert experts.exclude(statement_zh="").exclude(statement_en="").count() > 10
    assert experts.filter(statement_zh="").exclude(statement_en="").count() > 0
    assert experts.filter(statement_zh="", statement_en="").count() > 0
    assert Bid.objects.filter(expert__edition=demo.edition).count() > 30
    assert not Bid.objects.filter(
        expert__conflicts__nomination=models.F("nomination"), expert__edition=demo.edition
    ).exists()
    assert Conflict.objects.filter(expert__edition=demo.edition).exists()
    assert figures["after"]["direction_coverage"] >= figures["before"]["direction_coverage"]
    assert figures["after"]["top_quarter_share"] > figures["before"]["top_quarter_share"]
    assert (
        figures["after"]["entries_short_of_strong"] <= figures["before"]["entries_short_of_strong"]
    )
    assert figures["strong_places"] == figures["strong_places_bound"]
