"""Publication's named permissions: the secretariat publishes and handles objections."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "anonymous": AnonymousUser(),
        "nominator": UserFactory(organisation=OrganisationFactory()),
        "expert": UserFactory(roles=["expert"]),
        "organiser": UserFactory(roles=["organiser"]),
    }


@pytest.mark.parametrize("perm", ["publication.publish", "publication.handle_objections"])
def test_only_the_secretariat(people, perm):
    assert [name for name, user in people.items() if rules.has_perm(perm, user)] == ["organiser"]
