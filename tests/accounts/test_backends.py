"""The signed-in person is loaded with their roles in one query, and a role an organiser
grants or takes away counts from the person's next request."""

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from tests.factories import UserFactory

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def _user_and_its_queries(client):
    with CaptureQueriesContext(connection) as queries:
        user = get_user(client)
        held = roles.role_names(user)
    return user, held, [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize(
    ("held", "expected"),
    [([], set()), (["expert"], {"expert"}), (["organiser", "expert"], {"organiser", "expert"})],
)
def test_the_person_and_their_roles_come_in_one_query(client, settings, held, expected):
    settings.WNEVC_REQUIRE_MFA = False
    person = UserFactory(roles=held)
    sign_in(client, person.email)

    user, names, queries = _user_and_its_queries(client)

    assert user == person
    assert names == expected
    assert not [sql for sql in queries if '"auth_group"' in sql and "EXISTS" not in sql]
    assert len([sql for sql in queries if '"accounts_user"' in sql]) == 1


def test_a_role_taken_away_counts_from_the_next_request(client, settings):
    settings.WNEVC_REQUIRE_MFA = False
    person = UserFactory(roles=["expert"])
    sign_in(client, person.email)
    assert roles.role_names(get_user(client)) == {"expert"}

    person.groups.remove(Group.objects.get(name="expert"))

    assert roles.role_names(get_user(client)) == set()


def test_a_group_an_admin_names_otherwise_is_no_role():
    person = UserFactory(roles=["expert"])
    person.groups.add(Group.objects.create(name="press"))

    assert roles.role_names(person) == {"expert"}


def test_force_login_and_the_invitation_link_use_the_same_loading(client):
    # The admin's and the invitation's sign-in go through Django's backend: ours too.
    person = UserFactory(roles=["organiser"])
    client.force_login(person, backend="accounts.backends.ModelBackend")

    user, names, queries = _user_and_its_queries(client)

    assert user == person
    assert names == {"organiser"}
    assert len([sql for sql in queries if '"accounts_user"' in sql]) == 1
    assert not [sql for sql in queries if "accounts_user_groups" in sql and "EXISTS" not in sql]
