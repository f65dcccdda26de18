"""Fixtures of the nominations tests: an open edition, personas, and a complete nomination."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from submissions.models import Attachment, Category, Declaration
from submissions.stages import Stage
from tests.factories import (
    AttachmentFactory,
    CategoryFactory,
    DeclarationFactory,
    DirectionFactory,
    EditionFactory,
    NominationFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)


def url(name: str, language: str = "en", **kwargs) -> str:
    """A named URL under one language prefix."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Attachment files written by factories land in a temporary folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture
def edition(db):
    """The current edition, its collection window open since yesterday for 30 days."""
    edition = EditionFactory(is_current=True)
    StageWindowFactory(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=29),
    )
    CategoryFactory(edition=edition, code=Category.Code.CUTTING_EDGE)
    CategoryFactory(edition=edition, code=Category.Code.INNOVATIVE)
    DirectionFactory(
        edition=edition, code="power-battery", name_zh="动力电池", name_en="Power battery"
    )
    return edition


@pytest.fixture
def cutting_edge(edition):
    return edition.categories.get(code=Category.Code.CUTTING_EDGE)


@pytest.fixture
def innovative(edition):
    return edition.categories.get(code=Category.Code.INNOVATIVE)


@pytest.fixture
def direction(edition):
    return edition.directions.get()


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def nominator(organisation):
    """Acts for `organisation`; reads Chinese."""
    return UserFactory(organisation=organisation, preferred_language="zh-hans")


@pytest.fixture
def colleague(organisation):
    """Another account of the same organisation; reads English."""
    return UserFactory(organisation=organisation, preferred_language="en")


@pytest.fixture
def stranger(db):
    """A nominator of another organisation."""
    return UserFactory(organisation=OrganisationFactory())


@pytest.fixture
def organiser(db):
    return UserFactory(roles=["organiser"])


@pytest.fixture
def expert(db):
    return UserFactory(roles=["expert"])


@pytest.fixture
def nomination(edition, cutting_edge, direction, organisation, nominator):
    """A draft of the nominator's organisation, texts complete in both languages."""
    return NominationFactory(
        edition=edition,
        category=cutting_edge,
        direction=direction,
        organisation=organisation,
        created_by=nominator,
        code=f"{edition.year}-CE-001",
    )


def complete(nomination, user=None):
    """Add the required materials and all declarations, so the nomination can be submitted."""
    for kind in (Attachment.Kind.RECOMMENDATION_FORM, Attachment.Kind.TECHNICAL_REPORT):
        AttachmentFactory(nomination=nomination, kind=kind, uploaded_by=user)
    for kind in Declaration.Kind:
        DeclarationFactory(nomination=nomination, kind=kind, made_by=user)
    return nomination


@pytest.fixture
def complete_nomination(nomination, nominator):
    return complete(nomination, nominator)
