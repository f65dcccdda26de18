"""Fixtures of the final-evaluation tests: a current edition, a category with finalists, a
committee, and an organiser."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import CategoryFactory, EditionFactory, UserFactory

from .factories import ExpertFactory, finalist


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Two-factor sign-in has its own tests (tests/accounts); here we look at the ballot.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def edition(db):
    return EditionFactory(year=2031, is_current=True, committee_size=3)


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, code="cutting_edge", winners_quota=2)


@pytest.fixture
def items(category):
    return [finalist(category, code=f"2031-CE-00{i}") for i in (1, 2, 3)]


@pytest.fixture
def committee(edition):
    return [ExpertFactory(edition=edition, name_en=f"Member {c}") for c in "ABC"]


@pytest.fixture
def organiser(db):
    return UserFactory(roles=["organiser"], preferred_language="en")


@pytest.fixture
def closes_at():
    return timezone.now() + timedelta(days=2)
