"""The evaluation's named permissions, and the one lookup of committee membership."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from review.queries import expert_for
from tests.factories import UserFactory
from tests.review.scoring_helpers import make_expert, preliminary_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return preliminary_edition()


@pytest.fixture
def people(edition):
    return {
        "anonymous": AnonymousUser(),
        "nominator": UserFactory(),
        "member": make_expert(edition).user,
        "member_elsewhere": make_expert(preliminary_edition(year=2029, current=False)).user,
        "organiser": UserFactory(roles=["organiser"]),
    }


def _who(perm, people, obj=None) -> list[str]:
    return [name for name, user in people.items() if rules.has_perm(perm, user, obj)]


def test_the_secretariat_manages_the_evaluation(people):
    assert _who("review.manage_evaluation", people) == ["organiser"]


def test_committee_pages_are_for_the_editions_members(people, edition):
    assert _who("review.serve_on_committee", people, edition) == ["member"]


def test_recommending_is_for_the_editions_members(people, edition):
    assert _who("review.recommend_technology", people, edition) == ["member"]


def test_without_an_edition_nobody_serves(people):
    assert _who("review.serve_on_committee", people, None) == []


def test_membership_is_looked_up_once_per_user_object(edition, django_assert_num_queries):
    expert = make_expert(edition)
    user = type(expert.user).objects.get(pk=expert.user_id)

    with django_assert_num_queries(1):
        first, again = expert_for(user, edition), expert_for(user, edition)

    assert (first, again) == (expert, expert)
