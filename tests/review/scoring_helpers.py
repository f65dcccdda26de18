"""Arranging the scoring's data: an edition in its preliminary window, experts, entries,
assignments and reviews. Reviews are written straight to the models here (the arrange step);
the tests act through the services and views."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import translation

from review.models import Assignment, Conflict, Criterion, CriterionScore, Expert, Review
from scoring.services import ensure_default_criteria
from submissions.models import Category
from submissions.stages import Stage
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    StageWindowFactory,
    UserFactory,
)

# The preliminary window of the tests: 1–29 March 2030, UTC.
OPENS = datetime(2030, 3, 1, tzinfo=UTC)
CLOSES = datetime(2030, 3, 29, tzinfo=UTC)
DURING = OPENS + timedelta(days=10)


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def preliminary_edition(*, year: int = 2030, current: bool = True, opens=OPENS, closes=CLOSES):
    edition = EditionFactory(year=year, is_current=current)
    for code in (Category.Code.CUTTING_EDGE, Category.Code.INNOVATIVE):
        CategoryFactory(edition=edition, code=code, shortlist_size=2)
    StageWindowFactory(edition=edition, stage=Stage.PRELIMINARY, opens_at=opens, closes_at=closes)
    ensure_default_criteria(edition=edition)
    return edition


def category(edition, code=Category.Code.CUTTING_EDGE):
    return edition.categories.get(code=code)


def criteria(edition, code=Category.Code.CUTTING_EDGE) -> list[Criterion]:
    return list(Criterion.objects.filter(category__edition=edition, category__code=code))


def make_expert(edition, *, language: str = "zh-hans", name: str = "Expert") -> Expert:
    user = UserFactory(roles=["expert"], preferred_language=language)
    return Expert.objects.create(
        edition=edition,
        user=user,
        name_zh=f"{name}专家",
        name_en=f"{name} Expert",
        affiliation_zh="清华大学",
        affiliation_en="Tsinghua University",
    )


def make_entry(edition, *, code=Category.Code.CUTTING_EDGE, state="in_review", **kwargs):
    return NominationFactory(
        edition=edition, category=category(edition, code), state=state, **kwargs
    )


def assign(expert, nomination) -> Assignment:
    return Assignment.objects.create(expert=expert, nomination=nomination)


def conflict(expert, nomination) -> Conflict:
    return Conflict.objects.create(
        expert=expert, nomination=nomination, source=Conflict.Source.ORGANISER, reason="Same lab"
    )


def conflict_despite_assignment(expert, nomination) -> Conflict:
    """A conflict of an assigned pair, as data from before the database refused one (migration
    review/0003): the trigger on review_conflict is set aside for this insert and put back, in
    the test's transaction. For tests of the checks above the database (views, services)."""
    import importlib

    from django.db import connection

    triggers = importlib.import_module("review.migrations.0003_conflict_pair_triggers")
    conflict_triggers = [t for t in triggers.SQLITE_TRIGGERS if t[0].startswith("review_conflict_")]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key check of the test's transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE review_conflict DISABLE TRIGGER review_conflict_not_while_assigned"
            )
        else:
            for trigger in conflict_triggers:
                cursor.execute(f"DROP TRIGGER {trigger[0]}")
    made = conflict(expert, nomination)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE review_conflict ENABLE TRIGGER review_conflict_not_while_assigned"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for trigger in conflict_triggers:
                cursor.execute(triggers._sqlite_trigger(*trigger))
    return made


def write_review(assignment, scores, *, submitted=True, confidence=2, comment="", at=None):
    """A review with these scores, in the criteria's order (arrange step, no window check)."""
    review = Review.objects.create(
        assignment=assignment,
        state=Review.State.SUBMITTED if submitted else Review.State.DRAFT,
        confidence=confidence,
        comment=comment,
        submitted_at=(at or DURING) if submitted else None,
    )
    category_criteria = Criterion.objects.filter(
        category_id=assignment.nomination.category_id
    ).order_by("position", "code")
    CriterionScore.objects.bulk_create(
        CriterionScore(review=review, criterion=criterion, score=score)
        for criterion, score in zip(category_criteria, scores, strict=False)
    )
    return review
