"""Who a person is to the portal: the role predicates every app's permissions are built from."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.rules import acts_for_organisation, is_expert, is_nominator, is_organiser
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "anonymous": AnonymousUser(),
        "newcomer": UserFactory(),
        "nominator": UserFactory(organisation=OrganisationFactory()),
        "expert": UserFactory(roles=["expert"]),
        "organiser": UserFactory(roles=["organiser"]),
        "superuser": UserFactory(is_superuser=True),
    }


def _who(predicate, people) -> list[str]:
    return [name for name, user in people.items() if predicate(user)]


def test_organisers_are_the_role_and_superusers(people):
    assert _who(is_organiser, people) == ["organiser", "superuser"]


def test_experts_are_the_role(people):
    assert _who(is_expert, people) == ["expert"]


def test_a_nominator_is_anyone_signed_in_without_a_role_with_or_without_a_profile(people):
    assert _who(is_nominator, people) == ["newcomer", "nominator"]


def test_acting_for_an_organisation_needs_its_profile(people):
    assert _who(acts_for_organisation, people) == ["nominator"]
