"""Cast posts that were replayed, forged, or carried to another member's session.
(A replay after success and two tabs are in tests/voting/test_views_member.py.)"""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.voting import tellers
from tests.voting.conftest import *  # noqa: F403 - the final evaluation's fixtures
from tests.voting.conftest import url
from tests.voting.test_views_member import TRACKER, choose, token_of
from voting.models import Ballot, BallotCast

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(edition, category, items, committee, organiser, closes_at):
    return tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_forged_token_casts_nothing(round, committee, items):
    member = signed_in(committee[0].user)
    choose(member, round, [items[0].code])  # a real token waits in the session

    response = member.post(
        url("voting:member_cast", pk=round.pk),
        {"token": "forged-" + "A" * 32, "choice": [items[0].code]},
        follow=True,
    )

    assert "This confirmation is no longer valid." in response.content.decode()
    assert BallotCast.objects.count() == Ballot.objects.count() == 0


def test_a_token_carried_to_another_members_session_casts_nothing(round, committee, items):
    first, second = signed_in(committee[0].user), signed_in(committee[1].user)
    stolen = token_of(choose(first, round, [items[0].code]))

    response = second.post(
        url("voting:member_cast", pk=round.pk),
        {"token": stolen, "choice": [items[0].code]},
        follow=True,
    )

    assert "This confirmation is no longer valid." in response.content.decode()
    assert BallotCast.objects.count() == 0
    # The first member's own confirmation still works, once.
    cast = first.post(
        url("voting:member_cast", pk=round.pk), {"token": stolen, "choice": [items[0].code]}
    )
    assert TRACKER.search(cast.content.decode())
    assert list(BallotCast.objects.values_list("voter", flat=True)) == [committee[0].pk]


def test_a_replayed_cast_with_other_choices_changes_nothing(round, committee, items):
    member = signed_in(committee[0].user)
    token = token_of(choose(member, round, [items[0].code]))
    member.post(url("voting:member_cast", pk=round.pk), {"token": token, "choice": [items[0].code]})

    replay = member.post(
        url("voting:member_cast", pk=round.pk),
        {"token": token, "choice": [items[1].code, items[2].code]},
        follow=True,
    )

    assert "You have already voted in this round." in replay.content.decode()
    tellers.count(round)
    assert list(Ballot.objects.values_list("choices", flat=True)) == [[items[0].code]]


def test_someone_outside_the_committee_cannot_cast(round, items):
    outsider = signed_in(UserFactory(roles=["expert"]))

    response = outsider.post(
        url("voting:member_cast", pk=round.pk), {"token": "x", "choice": [items[0].code]}
    )

    assert response.status_code == 404
    assert BallotCast.objects.count() == 0
