"""Arranging the committee's data: an edition with directions, experts, organisations, entries.

Rows are written straight to the models here (the arrange step); tests act through the
services, views and commands.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone, translation

from review.models import Expert
from submissions.models import Category
from submissions.stages import Stage
from tests.factories import (
    CategoryFactory,
    DirectionFactory,
    EditionFactory,
    NominationFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def committee_edition(*, year: int = 2031, reviewers_per_entry: int = 2):
    """The current edition, its preliminary window open, with two directions."""
    edition = EditionFactory(year=year, is_current=True, reviewers_per_entry=reviewers_per_entry)
    CategoryFactory(edition=edition, code=Category.Code.CUTTING_EDGE)
    CategoryFactory(edition=edition, code=Category.Code.INNOVATIVE)
    DirectionFactory(
        edition=edition, code="power-battery", name_zh="动力电池", name_en="Power battery"
    )
    DirectionFactory(edition=edition, code="fuel-cell", name_zh="燃料电池", name_en="Fuel cell")
    StageWindowFactory(
        edition=edition,
        stage=Stage.PRELIMINARY,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=20),
    )
    return edition


def direction(edition, code: str = "power-battery"):
    return edition.directions.get(code=code)


def make_expert(
    edition,
    *,
    name: str = "Expert",
    directions=(),
    email: str | None = None,
    organisation=None,
    affiliation: tuple[str, str] = ("独立专家", "Independent"),
    language: str = "zh-hans",
) -> Expert:
    kwargs = {"email": email} if email else {}
    user = UserFactory(roles=["expert"], preferred_language=language, **kwargs)
    expert = Expert.objects.create(
        edition=edition,
        user=user,
        name_zh=f"{name}专家",
        name_en=f"{name} Expert",
        affiliation_zh=affiliation[0],
        affiliation_en=affiliation[1],
        organisation=organisation,
    )
    expert.directions.set(directions)
    return expert


def make_entry(edition, *, code: str, direction=None, organisation=None, **kwargs):
    """An eligible entry of the open channel (state set directly: the arrange step)."""
    kwargs.setdefault("state", "eligible")
    return NominationFactory(
        edition=edition,
        code=code,
        category=edition.categories.get(code=Category.Code.CUTTING_EDGE),
        direction=direction or edition.directions.first(),
        organisation=organisation or OrganisationFactory(),
        title_zh=f"{code}号技术",
        title_en=f"Technology {code}",
        **kwargs,
    )
