"""Scoring's named permissions: score an assigned entry, read its files, rank the entries."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from scoring.queries import assignment_for_entry
from tests.factories import UserFactory
from tests.review.scoring_helpers import (
    assign,
    conflict_despite_assignment,
    make_entry,
    make_expert,
    preliminary_edition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    edition = preliminary_edition()
    entry = make_entry(edition)
    assigned, conflicted, unassigned = (
        make_expert(edition, name=name) for name in ("assigned", "conflicted", "unassigned")
    )
    assignment = assign(assigned, entry)
    assign(conflicted, entry)
    conflict_despite_assignment(conflicted, entry)
    people = {
        "anonymous": AnonymousUser(),
        "nominator": UserFactory(),
        "assigned": assigned.user,
        "conflicted": conflicted.user,
        "unassigned": unassigned.user,
        "organiser": UserFactory(roles=["organiser"]),
    }
    return entry, assignment, people


def _who(perm, people, obj=None) -> list[str]:
    return [name for name, user in people.items() if rules.has_perm(perm, user, obj)]


def test_only_the_assigned_expert_scores_their_assignment(world):
    _entry, assignment, people = world

    assert _who("scoring.score_entry", people, assignment) == ["assigned"]


def test_a_conflicted_experts_assignment_is_not_found_to_score(world):
    entry, _assignment, people = world

    assert assignment_for_entry(people["conflicted"], entry.code) is None
    assert _who("scoring.score_entry", people, None) == []


def test_files_are_for_the_assigned_unconflicted_expert_and_the_secretariat(world):
    entry, _assignment, people = world

    assert _who("scoring.read_entry_files", people, entry) == ["assigned", "organiser"]


def test_the_secretariat_ranks(world):
    _entry, _assignment, people = world

    assert _who("scoring.rank_entries", people) == ["organiser"]
