"""Secrecy of the ballot: nothing stored, shown, logged or audited links a ballot to a voter.

DESIGN.md, "Ballot rules": BallotCast (who) and Ballot (what) are written together with nothing
that links them — random ids, no timestamps, no order that follows the casting order.
"""

import json
import logging

import pytest
from django.db import connection, models

from core.models import AuditEvent
from voting import services
from voting.models import Ballot, BallotCast

from .conftest import url
from .factories import ExpertFactory, finalist

pytestmark = pytest.mark.django_db

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


def test_the_ballot_table_has_no_voter_no_time_and_no_sequence():
    fields = Ballot._meta.concrete_fields

    relations = {f.name: f.related_model._meta.label for f in fields if f.is_relation}
    assert relations == {"round": "voting.BallotRound"}
    assert [f.name for f in fields if isinstance(f, TIME_FIELDS)] == []
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert {f.name for f in fields} == {"id", "round", "choices", "tracker"}
    assert Ballot._meta.ordering == ["round", "tracker"]  # never the insertion order


def test_the_turnout_table_has_no_time_no_sequence_and_no_link_to_a_ballot():
    fields = BallotCast._meta.concrete_fields

    relations = {f.name: f.related_model._meta.label for f in fields if f.is_relation}
    assert relations == {"round": "voting.BallotRound", "voter": "review.Expert"}
    assert [f.name for f in fields if isinstance(f, TIME_FIELDS)] == []
    assert isinstance(BallotCast._meta.pk, models.UUIDField)
    # And nothing anywhere points at a ballot.
    assert list(Ballot._meta.related_objects) == []


@pytest.fixture
def big_round(edition, category, organiser, closes_at):
    items = [finalist(category) for _ in range(3)]
    experts = [ExpertFactory(edition=edition) for _ in range(12)]
    round = services.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )
    return round, items, experts


def test_ballots_are_neither_read_nor_stored_in_the_casting_order(big_round):
    round, items, experts = big_round
    cast_order = [
        services.cast_ballot(round=round, voter=expert, choices=[items[i % 3].code])
        for i, expert in enumerate(experts)
    ]

    read = list(Ballot.objects.filter(round=round).values_list("tracker", flat=True))
    with connection.cursor() as cursor:
        # No ORDER BY: the physical order, as a dump or a careless query would see it.
        cursor.execute("SELECT tracker FROM voting_ballot WHERE round_id = %s", [round.pk])
        physical = [row[0] for row in cursor.fetchall()]

    assert read == sorted(cast_order)
    # After the rewrite the physical order follows the trackers (random), though PostgreSQL
    # may put rows into space freed by the previous rewrite, so it need not be exactly sorted.
    assert sorted(physical) == sorted(cast_order)
    assert physical != cast_order  # 1 chance in 12! of a false alarm
    assert cast_order != sorted(cast_order)


def test_open_round_organiser_pages_show_no_choices_counts_or_trackers(
    client, organiser, big_round
):
    round, items, experts = big_round
    trackers = [
        services.cast_ballot(round=round, voter=expert, choices=[items[0].code, items[1].code])
        for expert in experts[:9]
    ]
    client.force_login(organiser)

    pages = [
        client.get(url("voting:organiser_round", pk=round.pk, language=language)).content.decode()
        + client.get(url("voting:organiser_rounds", language=language)).content.decode()
        for language in ("en", "zh-hans")
    ]

    for html in pages:
        assert not any(tracker in html for tracker in trackers)
        assert 'data-testid="result-table"' not in html
        assert "passes" not in html and "Approvals" not in html
        # The items are listed once each (the ballot paper), never beside a number of votes.
        for item in items:
            assert html.count(item.code) == 1


def test_audit_events_and_logs_never_put_a_choice_or_tracker_next_to_a_voter(
    client, caplog, big_round, organiser
):
    round, items, experts = big_round
    caplog.set_level(logging.DEBUG)
    trackers = []
    for expert in experts[:9]:
        client.force_login(expert.user)
        confirm = client.post(url("voting:member_ballot", pk=round.pk), {"choice": [items[2].code]})
        token = confirm.content.decode().split('name="token" value="')[1].split('"')[0]
        cast = client.post(
            url("voting:member_cast", pk=round.pk), {"token": token, "choice": [items[2].code]}
        )
        trackers.append(cast.content.decode().split('data-testid="tracker">')[1].split("<")[0])
    assert Ballot.objects.filter(round=round).count() == 9

    cast_events = AuditEvent.objects.filter(action="voting.ballot_cast")
    assert cast_events.count() == 9
    assert {(e.actor_id, json.dumps(e.details)) for e in cast_events} == {
        (None, json.dumps({"round": round.pk}))
    }
    voters = {str(e.pk) for e in experts} | {e.user.email for e in experts}
    voter_names = {e.name_en for e in experts} | {e.name_zh for e in experts}
    for event in AuditEvent.objects.all():
        text = f"{event.object_repr} {json.dumps(event.details, ensure_ascii=False)}"
        assert not any(tracker in text for tracker in trackers)
        assert event.actor_id not in {e.user_id for e in experts}
        if items[2].code in text:
            assert not any(name in text for name in voter_names)
    for record in caplog.records:
        message = record.getMessage()
        assert not any(tracker in message for tracker in trackers)
        if any(v in message for v in voters | voter_names):
            assert items[2].code not in message
