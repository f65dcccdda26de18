"""Archives' named permission: the secretariat keeps the editions' archives."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_secretariat_keeps_archives():
    people = {
        "anonymous": AnonymousUser(),
        "nominator": UserFactory(organisation=OrganisationFactory()),
        "expert": UserFactory(roles=["expert"]),
        "organiser": UserFactory(roles=["organiser"]),
    }

    assert [
        name for name, user in people.items() if rules.has_perm("archives.keep_archives", user)
    ] == ["organiser"]
