"""The teller's page: a secret made by the teller, shown once; the rounds they count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from tests.factories import UserFactory
from tests.voting import tellers
from voting import sealing, services
from voting.models import RoundState, Teller

from .conftest import url
from .factories import ExpertFactory, finalist

pytestmark = pytest.mark.django_db

SECRET = re.compile(r'data-testid="teller-secret">([A-Z2-7-]+)<')


@pytest.fixture
def teller_user(client, organiser):
    client.force_login(organiser)
    return organiser


def test_making_a_secret_shows_it_once_and_keeps_only_its_public_key(client, teller_user):
    response = client.post(url("voting:teller_home"))

    secret = SECRET.search(response.content.decode()).group(1)
    teller = Teller.objects.get(user=teller_user)
    assert bytes(teller.public_key) == sealing.public_key_of(sealing.parse_teller_secret(secret))
    assert "no-store" in response["Cache-Control"]
    later = client.get(url("voting:teller_home")).content.decode()
    assert secret not in later
    assert 'data-testid="teller-fingerprint"' in later
    assert secret not in str(dict(client.session))
    event = AuditEvent.objects.get(action="voting.teller_key_made")
    assert secret not in str(event.details)
    assert (event.actor, event.details["replaced"]) == (teller_user, False)


def test_the_teller_page_reads_in_chinese(client, teller_user):
    response = client.post(url("voting:teller_home", language="zh-hans"))

    html = response.content.decode()
    assert "您的监票密钥" in html and "您担任监票人的投票轮次" in html


def test_a_teller_of_an_uncounted_round_cannot_replace_their_secret(
    client, edition, category, items, committee, organiser, closes_at
):
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )
    teller = round.tellers.get(position=0).teller
    before = bytes(teller.public_key)
    client.force_login(teller.user)

    response = client.post(url("voting:teller_home"), follow=True)

    teller.refresh_from_db()
    assert bytes(teller.public_key) == before
    assert "keep your secret until that count" in response.content.decode()
    assert f'href="{url("voting:teller_count", pk=round.pk)}"' not in response.content.decode()
    services.close_round(round=round, actor=organiser)
    listing = client.get(url("voting:teller_home")).content.decode()
    assert f'href="{url("voting:teller_count", pk=round.pk)}"' in listing
    tellers.count(round)
    round.refresh_from_db()
    assert round.state == RoundState.VOID  # nobody voted
    client.post(url("voting:teller_home"))
    teller.refresh_from_db()
    assert bytes(teller.public_key) != before


def test_a_nominator_has_no_teller_page(client):
    client.force_login(UserFactory(roles=[]))

    assert client.get(url("voting:teller_home")).status_code == 404
    assert Teller.objects.count() == 0


def test_the_teller_page_query_count_does_not_grow_with_rounds(
    client, edition, category, organiser, closes_at
):
    named = tellers.make_tellers()
    client.force_login(named[0].user)
    ExpertFactory(edition=edition)
    finalist(category)

    def queries_with(n):
        while named[0].rounds.count() < n:
            round = tellers.open_round(
                edition=edition,
                category=category,
                actor=organiser,
                closes_at=closes_at,
                tellers=named,
            )
            tellers.count(round)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("voting:teller_home")).status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(3)
