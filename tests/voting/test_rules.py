"""The final evaluation's named permissions: rounds, ballots, teller keys, counts, running."""

from datetime import timedelta

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.factories import UserFactory
from tests.review.scoring_helpers import make_expert, preliminary_edition
from tests.voting import tellers
from tests.voting.factories import finalist
from voting import services
from voting.models import Teller

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    edition = preliminary_edition()
    member = make_expert(edition, name="member")
    organiser = UserFactory(roles=["organiser"])
    category = edition.categories.get(code="cutting_edge")
    for number in (1, 2):
        finalist(category, code=f"{edition.year}-CE-9{number:02d}")
    # A committee member holds one of the round's teller keys (tellers come from both sides).
    expert_teller = make_expert(edition, name="teller")
    services.create_teller_secret(actor=expert_teller.user)
    round = tellers.open_round(
        edition=edition,
        category=category,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=2),
        tellers=[*tellers.make_tellers(2), Teller.objects.get(user=expert_teller.user)],
    )
    # Joins after the voter list was frozen: a member, but no voter of this round.
    latecomer = make_expert(edition, name="latecomer")
    people = {
        "anonymous": AnonymousUser(),
        "nominator": UserFactory(),
        "member": member.user,
        "latecomer": latecomer.user,
        "teller": expert_teller.user,
        # Holds a teller key, but not one of this round's.
        "other_teller": tellers.make_tellers(1)[0].user,
        "organiser": organiser,
    }
    return edition, round, people


def _who(perm, people, obj=None) -> list[str]:
    return [name for name, user in people.items() if rules.has_perm(perm, user, obj)]


def test_the_editions_members_see_their_rounds(world):
    edition, _round, people = world

    assert _who("voting.see_rounds", people, edition) == ["member", "latecomer", "teller"]


def test_only_the_rounds_voters_cast_a_ballot(world):
    _edition, round, people = world

    assert _who("voting.cast_ballot", people, round) == ["member", "teller"]


def test_teller_keys_are_for_the_secretariat_and_the_committee(world):
    _edition, _round, people = world

    assert _who("voting.hold_teller_key", people) == [
        "member",
        "latecomer",
        "teller",
        "other_teller",
        "organiser",
    ]


def test_a_round_is_counted_by_its_tellers_and_followed_by_the_secretariat(world):
    _edition, round, people = world
    # The other teller is an organiser (tests/voting/tellers.py makes them so): in by that.
    people.pop("other_teller")

    assert _who("voting.count_round", people, round) == ["teller", "organiser"]


def test_the_secretariat_runs_the_rounds(world):
    _edition, _round, people = world

    assert _who("voting.run_rounds", people) == ["other_teller", "organiser"]
