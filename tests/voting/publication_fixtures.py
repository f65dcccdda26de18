"""Fixtures of the notice and publication tests: an edition whose two categories have certified
ballot results (voted through the real services), a notice, and helpers to publish.

    cutting_edge (quota 2): CE-1 and CE-2 win (3 and 2 approvals), CE-3 does not (1)
    innovative   (quota 1): IN-1 wins (3), IN-2 does not (0)

Import the fixtures with `from .publication_fixtures import *` in a test module.
"""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from publication import services as publication
from tests.factories import CategoryFactory, OrganisationFactory, UserFactory
from tests.voting import tellers
from voting import services

from .factories import ExpertFactory, finalist

__all__ = [
    "certified",
    "in_english",
    "make_certified",
    "notice",
    "notice_over",
    "publish",
    "published",
]

BALLOTS = {
    "cutting_edge": [
        ["2031-CE-001", "2031-CE-002"],
        ["2031-CE-001", "2031-CE-002"],
        ["2031-CE-001", "2031-CE-003"],
    ],
    "innovative": [["2031-IN-001"], ["2031-IN-001"], ["2031-IN-001"]],
}


def make_certified(edition, organiser, *, ce_count=3, ce_quota=2, ballots=None):
    """Two categories with finalists, a committee of three, one certified round each."""
    ballots = ballots or BALLOTS
    committee = [ExpertFactory(edition=edition, name_en=f"Member {c}") for c in "ABC"]
    categories = {
        "cutting_edge": CategoryFactory(
            edition=edition, code="cutting_edge", winners_quota=ce_quota
        ),
        "innovative": CategoryFactory(edition=edition, code="innovative", winners_quota=1),
    }
    nominations = {}
    for code, count in (("cutting_edge", ce_count), ("innovative", 2)):
        prefix = "CE" if code == "cutting_edge" else "IN"
        for number in range(1, count + 1):
            organisation = OrganisationFactory()
            language = "en" if number % 2 else "zh-hans"
            UserFactory(organisation=organisation, preferred_language=language)
            nomination = finalist(
                categories[code],
                code=f"2031-{prefix}-{number:03d}",
                organisation=organisation,
                title_zh=f"{'前沿' if prefix == 'CE' else '创新'}技术{number}号",
                title_en=f"{'Frontier' if prefix == 'CE' else 'Innovation'} technology {number}",
            )
            nominations[nomination.code] = nomination
    closes_at = timezone.now() + timedelta(days=2)
    for code, category in categories.items():
        round = tellers.open_round(
            edition=edition, category=category, actor=organiser, closes_at=closes_at
        )
        for expert, choices in zip(committee, ballots[code], strict=True):
            services.cast_ballot(round=round, voter=expert, choices=choices)
        round = tellers.close_round(round=round, actor=organiser)
        # Places a result leaves unfilled stay vacant here (ignored when every place is filled).
        services.certify_round(
            round=round, actor=organiser, unfilled="vacant", reason="Fewer items passed."
        )
    return {"categories": categories, "nominations": nominations, "committee": committee}


@pytest.fixture(autouse=True)
def in_english():
    # Services' messages are asserted in English; pages pick their language from the URL.
    with translation.override("en"):
        yield


@pytest.fixture
def certified(edition, organiser):
    return make_certified(edition, organiser)


@pytest.fixture
def notice(edition, organiser, certified):
    """The notice is open now, for 30 days."""
    return publication.open_notice(edition=edition, actor=organiser)


@pytest.fixture
def notice_over(edition, organiser, certified):
    """A notice held in the past: the results can be published now."""
    now = timezone.now()
    return publication.open_notice(
        edition=edition,
        actor=organiser,
        opens_at=now - timedelta(days=31),
        closes_at=now - timedelta(days=1),
    )


def publish(edition, organiser, capture):
    with capture(execute=True):
        return publication.publish(edition=edition, actor=organiser)


@pytest.fixture
def published(edition, organiser, notice_over, django_capture_on_commit_callbacks):
    return publish(edition, organiser, django_capture_on_commit_callbacks)
