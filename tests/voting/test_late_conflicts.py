"""Conflicts recorded after a round opened (voting.queries.late_conflicts and the flag on the
organiser's round page): recusals are frozen at opening, so the item is flagged for a re-run."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.services import add_conflict
from voting import queries, services
from voting.models import Recusal

from . import tellers
from .conftest import url
from .factories import ConflictFactory, ExpertFactory, finalist

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(edition, category, items, committee, organiser, closes_at):
    return tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )


def test_a_conflict_recorded_after_opening_is_a_late_conflict(round, items, committee, organiser):
    add_conflict(expert=committee[1], nomination=items[2], reason="New employer", actor=organiser)

    late = queries.late_conflicts(round)

    assert [(row.nomination, row.expert) for row in late] == [(items[2], committee[1])]
    assert Recusal.objects.filter(round=round).count() == 0


def test_a_conflict_known_at_opening_is_a_recusal_not_a_late_conflict(
    edition, category, items, committee, organiser, closes_at
):
    ConflictFactory(expert=committee[0], nomination=items[0])
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )

    assert queries.late_conflicts(round) == []
    assert list(Recusal.objects.values_list("voter__expert", "nomination")) == [
        (committee[0].pk, items[0].pk)
    ]


def test_a_member_off_the_list_or_an_item_off_the_round_is_not_flagged(
    edition, category, round, items, organiser
):
    newcomer = ExpertFactory(edition=edition)
    other_item = finalist(category, code="2031-CE-009")
    add_conflict(expert=newcomer, nomination=items[0], reason="Joined later", actor=organiser)
    voter = round.voters.first().expert
    add_conflict(expert=voter, nomination=other_item, reason="Not in the round", actor=organiser)

    assert queries.late_conflicts(round) == []


def test_the_round_page_flags_a_late_conflict_in_both_languages(
    client, round, items, committee, organiser
):
    add_conflict(expert=committee[1], nomination=items[2], reason="New employer", actor=organiser)
    client.force_login(organiser)

    english = client.get(url("voting:organiser_round", pk=round.pk)).content.decode()
    chinese = client.get(url("voting:organiser_round", "zh-hans", pk=round.pk)).content.decode()

    assert english.count('data-testid="late-conflict"') == 1
    assert "Conflicts recorded after the round opened" in english
    assert "The rule before the count: the round is voided with the reason" in english
    assert items[2].code in english and "Member B" in english
    assert "投票轮次开启后登记的利益冲突" in chinese
    assert "计票前的规则：说明理由后作废该轮投票并重新举行" in chinese


def test_the_round_page_without_late_conflicts_shows_no_flag(client, round, organiser):
    client.force_login(organiser)

    html = client.get(url("voting:organiser_round", pk=round.pk)).content.decode()

    assert 'data-testid="late-conflicts"' not in html


def test_a_closed_round_keeps_the_flag(client, round, items, committee, organiser):
    for member in committee:
        services.cast_ballot(round=round, voter=member, choices=[items[0].code])
    add_conflict(expert=committee[0], nomination=items[0], reason="New employer", actor=organiser)
    round = tellers.close_round(round=round, actor=organiser)
    client.force_login(organiser)

    html = client.get(url("voting:organiser_round", pk=round.pk)).content.decode()

    assert (round.state, html.count('data-testid="late-conflict"')) == ("closed", 1)


def test_the_round_page_query_count_does_not_grow_with_late_conflicts(
    client, round, items, committee, organiser
):
    client.force_login(organiser)
    address = url("voting:organiser_round", pk=round.pk)
    add_conflict(expert=committee[0], nomination=items[0], reason="One", actor=organiser)
    with CaptureQueriesContext(connection) as one:
        client.get(address)
    add_conflict(expert=committee[1], nomination=items[1], reason="Two", actor=organiser)
    add_conflict(expert=committee[2], nomination=items[2], reason="Three", actor=organiser)
    with CaptureQueriesContext(connection) as three:
        response = client.get(address)

    assert response.content.decode().count('data-testid="late-conflict"') == 3
    assert len(three) == len(one)
