"""Factories of the final evaluation's tests (committee experts and conflicts).

Kept here, beside the voting tests, so the shared tests/factories.py is not edited while
other people are working on it; move them there once review/ has its own.
"""

import factory

from tests.factories import EditionFactory, NominationFactory, UserFactory


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.Expert"

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory, roles=["expert"])
    name_zh = factory.Sequence(lambda n: f"专家{n}")
    name_en = factory.Sequence(lambda n: f"Expert {n:02d}")
    affiliation_zh = "清华大学"
    affiliation_en = "Tsinghua University"


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.Conflict"

    expert = factory.SubFactory(ExpertFactory)
    nomination = factory.SubFactory(NominationFactory)
    source = "declared"
    reason = "Former colleague"


def finalist(category, **kwargs):
    return NominationFactory(
        edition=category.edition, category=category, state="finalist", **kwargs
    )
