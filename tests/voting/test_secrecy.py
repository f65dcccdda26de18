"""Secrecy of the ballot: nothing stored, shown, logged or audited links a ballot to a voter.

DESIGN.md, "Ballot rules" and docs/ballot-secrecy.md: at the cast, BallotCast (who) and
SealedBallot (what, sealed to the round's key) are written with nothing that links them but
their transaction; the plain ballots are written once, shuffled, by the count, in a
transaction of its own. On PostgreSQL the tests read every row version with pageinspect, as
someone holding the data files would.
"""

import json
import logging
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation

from core.models import AuditEvent, OutboxMessage
from tests.voting import tellers
from voting import services
from voting.models import (
    Ballot,
    BallotCast,
    KeyWrap,
    RoundKey,
    RoundState,
    RoundTeller,
    SealedBallot,
    Teller,
)

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


def test_the_sealed_ballot_table_has_no_voter_no_time_and_no_sequence():
    fields = SealedBallot._meta.concrete_fields

    relations = {f.name: f.related_model._meta.label for f in fields if f.is_relation}
    assert relations == {"round": "voting.BallotRound"}
    assert [f.name for f in fields if isinstance(f, TIME_FIELDS)] == []
    assert isinstance(SealedBallot._meta.pk, models.UUIDField)
    assert {f.name for f in fields} == {"id", "round", "sealed"}
    assert list(SealedBallot._meta.related_objects) == []


def test_ballots_turnout_and_tellers_stay_out_of_every_admin():
    kept_out = {Ballot, SealedBallot, BallotCast, Teller, RoundTeller, RoundKey, KeyWrap}

    registered = set(admin.site._registry)

    assert kept_out & registered == set()


@pytest.fixture
def big_round(edition, category, organiser, closes_at):
    items = [finalist(category) for _ in range(3)]
    experts = [ExpertFactory(edition=edition) for _ in range(12)]
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )
    return round, items, experts


def test_ballots_are_neither_read_nor_stored_in_the_casting_order(big_round):
    round, items, experts = big_round
    cast_order = [
        services.cast_ballot(round=round, voter=expert, choices=[items[i % 3].code])
        for i, expert in enumerate(experts)
    ]
    tellers.count(round)

    read = list(Ballot.objects.filter(round=round).values_list("tracker", flat=True))
    with connection.cursor() as cursor:
        # No ORDER BY: the physical order, as a dump or a careless query would see it.
        cursor.execute("SELECT tracker FROM voting_ballot WHERE round_id = %s", [round.pk])
        physical = [row[0] for row in cursor.fetchall()]

    assert read == sorted(cast_order)
    # The count writes the plain ballots once, in a random order (SystemRandom).
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
    assert SealedBallot.objects.filter(round=round).count() == 9
    tellers.count(round, actor=organiser)
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


# --- Below the pages: every row version, as the data files hold them (PostgreSQL) ------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row versions are read with pageinspect"
)


def _row_versions(table: str) -> list[tuple[int, bytes]]:
    """(xmin, raw tuple) of every row version in the table's pages, live or dead."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [table]
        )
        pages = cursor.fetchone()[0]
        versions = []
        for page in range(pages):
            cursor.execute(
                "SELECT t_xmin::text::bigint, t_data FROM heap_page_items(get_raw_page(%s, %s)) "
                "WHERE t_data IS NOT NULL",
                [table, page],
            )
            versions += [(xmin, bytes(data)) for xmin, data in cursor.fetchall()]
        return versions


def _raw_pages(table: str) -> bytes:
    """Every byte of the table's pages (dead tuples and free space included)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [table]
        )
        pages = cursor.fetchone()[0]
        chunks = []
        for page in range(pages):
            cursor.execute("SELECT get_raw_page(%s, %s)", [table, page])
            chunks.append(bytes(cursor.fetchone()[0]))
        return b"".join(chunks)


def _redis_bytes() -> bytes:
    """Every key and value of the Redis database the portal uses (empty without Redis)."""
    from django.conf import settings

    location = getattr(settings, "REDIS_URL", "") or ""
    if not location:
        return b""
    import redis

    client = redis.Redis.from_url(location)
    chunks = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        chunks.append(key)
        if kind == "string":
            chunks.append(client.get(key) or b"")
        elif kind == "hash":
            chunks += [k + v for k, v in client.hgetall(key).items()]
        elif kind == "list":
            chunks += client.lrange(key, 0, -1)
        elif kind in ("set",):
            chunks += list(client.smembers(key))
        elif kind == "zset":
            chunks += [m for m, _ in client.zrange(key, 0, -1, withscores=True)]
    return b"\n".join(chunks)


def _vote_through_the_pages(client, round, experts, items) -> list[str]:
    """Each member signs in, chooses, confirms and casts; returns the trackers in cast order."""
    trackers = []
    for i, expert in enumerate(experts):
        choice = [items[i % len(items)].code]
        client.force_login(expert.user)
        confirm = client.post(url("voting:member_ballot", pk=round.pk), {"choice": choice})
        token = confirm.content.decode().split('name="token" value="')[1].split('"')[0]
        cast = client.post(
            url("voting:member_cast", pk=round.pk), {"token": token, "choice": choice}
        )
        trackers.append(cast.content.decode().split('data-testid="tracker">')[1].split("<")[0])
        client.logout()
    return trackers


@pytest.fixture
def committed_round(transactional_db, settings):
    """A round whose every cast commits on its own, as in production (no test transaction)."""
    from tests.factories import CategoryFactory, EditionFactory, UserFactory

    # These tests read the tables' pages, dead row versions included: they start from pages
    # that hold nothing of an earlier test (between transactional tests the rows are deleted,
    # not the files: tests/conftest.py).
    tables = ", ".join(connection.ops.quote_name(table) for table in _tables_to_search())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")
    settings.WNEVC_REQUIRE_MFA = False
    edition = EditionFactory(year=2032, is_current=True, committee_size=12)
    category = CategoryFactory(edition=edition, code="cutting_edge", winners_quota=2)
    items = [finalist(category, code=f"2032-CE-00{i}") for i in (1, 2, 3)]
    experts = [ExpertFactory(edition=edition) for _ in range(12)]
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    round = tellers.open_round(
        edition=edition,
        category=category,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=1),
    )
    return round, items, experts, organiser


def _tables_to_search() -> list[str]:
    voting = [t for t in connection.introspection.table_names() if t.startswith("voting_")]
    return [*voting, AuditEvent._meta.db_table, OutboxMessage._meta.db_table, "django_session"]


@on_postgresql
def test_before_the_count_no_row_version_cache_key_or_session_holds_a_tracker_or_choice(
    client, committed_round
):
    round, items, experts, organiser = committed_round
    trackers = _vote_through_the_pages(client, round, experts, items)
    services.close_round(round=round, actor=organiser)

    assert SealedBallot.objects.filter(round=round).count() == 12
    for table in _tables_to_search():
        raw = _raw_pages(table)
        assert not any(t.encode() in raw for t in trackers), table
        if table.startswith("voting_"):
            # Items are stored by id; a code in a voting table could only be a plain choice.
            assert not any(item.code.encode() in raw for item in items), table
    redis_bytes = _redis_bytes()
    assert not any(t.encode() in redis_bytes for t in trackers)
    for session in Session.objects.all():
        assert not any(t in json.dumps(session.get_decoded()) for t in trackers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT octet_length(sealed) FROM voting_sealedballot")
        lengths = [row[0] for row in cursor.fetchall()]
    assert len(lengths) == 1


@on_postgresql
def test_after_the_count_plain_ballots_carry_only_the_counts_transaction(committed_round):
    round, items, experts, organiser = committed_round
    cast_order = [
        services.cast_ballot(round=round, voter=expert, choices=[items[i % 3].code])
        for i, expert in enumerate(experts)
    ]
    services.close_round(round=round, actor=organiser)

    tellers.count(round, actor=organiser)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text::bigint FROM voting_ballotround WHERE id = %s", [round.pk]
        )
        count_xid = cursor.fetchone()[0]
        cursor.execute("SELECT xmin::text::bigint FROM voting_ballotcast")
        turnout_xids = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tracker FROM voting_ballot")  # the stored (physical) order
        stored_order = [row[0] for row in cursor.fetchall()]
    ballot_xids = {xmin for xmin, _data in _row_versions("voting_ballot")}
    assert ballot_xids == {count_xid}
    assert ballot_xids & turnout_xids == set()
    assert len(turnout_xids) == 12  # one transaction per cast
    assert sorted(stored_order) == sorted(cast_order)
    assert stored_order != cast_order  # 1 chance in 12! of a false alarm
    assert SealedBallot.objects.count() == RoundKey.objects.count() == KeyWrap.objects.count() == 0


# --- Unlocking: two tellers together, or nothing ----------------------------------------------


@pytest.fixture
def closed_round(big_round, organiser):
    round, items, experts = big_round
    for i, expert in enumerate(experts[:9]):
        services.cast_ballot(round=round, voter=expert, choices=[items[i % 3].code])
    services.close_round(round=round, actor=organiser)
    return round


def _refused(round, organiser, secrets) -> str:
    # The refusal is in the language of the request; these tests read it in English.
    with translation.override("en"), pytest.raises(services.CountRefused) as refused:
        services.count_round(round=round, actor=organiser, secrets=secrets)
    round.refresh_from_db()
    assert round.state == RoundState.AWAITING_COUNT
    assert (Ballot.objects.count(), SealedBallot.objects.count()) == (0, 9)
    assert RoundKey.objects.filter(round=round).exists()
    return refused.value.message


def test_one_secret_alone_opens_nothing(closed_round, organiser):
    (secret,) = tellers.secrets_of(closed_round, positions=(1,))

    message = _refused(closed_round, organiser, [secret, ""])

    assert message == "Two tellers must enter their secrets together."


def test_the_same_secret_twice_opens_nothing(closed_round, organiser):
    (secret,) = tellers.secrets_of(closed_round, positions=(0,))

    message = _refused(closed_round, organiser, [secret, secret.lower()])

    assert message == "Two different tellers must each enter their own secret."


def test_a_secret_of_someone_else_opens_nothing(closed_round, organiser):
    (own,) = tellers.secrets_of(closed_round, positions=(0,))
    stranger = tellers.make_tellers(1)[0]

    message = _refused(closed_round, organiser, [own, tellers.SECRETS[stranger.pk]])

    assert message == "A secret does not belong to a teller of this round."


def test_a_mistyped_secret_is_told_apart(closed_round, organiser):
    first, second = tellers.secrets_of(closed_round)
    typo = ("B" if second[0] != "B" else "C") + second[1:]

    message = _refused(closed_round, organiser, [first, typo])

    assert message == "A secret is mistyped: check it against the written copy and try again."


@pytest.mark.parametrize("pair", [(0, 1), (0, 2), (1, 2), (2, 0)])
def test_any_two_of_the_three_tellers_count_the_round(closed_round, organiser, pair):
    secrets = tellers.secrets_of(closed_round, positions=pair)

    counted = services.count_round(round=closed_round, actor=organiser, secrets=secrets)

    counted.refresh_from_db()
    assert counted.state in (RoundState.CLOSED, RoundState.VOID)
    assert counted.result["cast"] == 9
    assert (Ballot.objects.count(), SealedBallot.objects.count()) == (9, 0)
    assert RoundKey.objects.count() == KeyWrap.objects.count() == 0
    event = AuditEvent.objects.get(action__in=["voting.round_counted", "voting.round_voided"])
    assert event.details["by"] == "tellers"


def test_the_count_page_refuses_one_secret_with_a_message_in_chinese(
    client, closed_round, organiser
):
    (secret,) = tellers.secrets_of(closed_round, positions=(0,))
    client.force_login(organiser)

    response = client.post(
        url("voting:teller_count", pk=closed_round.pk, language="zh-hans"),
        {"secret_1": secret, "secret_2": ""},
    )

    html = response.content.decode()
    closed_round.refresh_from_db()
    assert closed_round.state == RoundState.AWAITING_COUNT
    assert "须由两位监票人同时输入各自的密钥。" in html
    assert secret not in html  # a secret is never echoed back
    assert "no-store" in response["Cache-Control"]


def test_a_teller_of_the_round_counts_it_on_the_count_page(client, closed_round):
    first, second = tellers.secrets_of(closed_round, positions=(1, 2))
    teller_user = closed_round.tellers.get(position=1).teller.user
    client.force_login(teller_user)

    response = client.post(
        url("voting:teller_count", pk=closed_round.pk),
        {"secret_1": first, "secret_2": second},
        follow=True,
    )

    closed_round.refresh_from_db()
    assert closed_round.state in (RoundState.CLOSED, RoundState.VOID)
    assert "The round&#x27;s ballots are opened and counted." in response.content.decode()


def test_someone_neither_teller_nor_organiser_gets_404_on_the_count_page(
    client, closed_round, big_round
):
    _round, _items, experts = big_round
    client.force_login(experts[0].user)

    response = client.get(url("voting:teller_count", pk=closed_round.pk))

    assert response.status_code == 404


# --- The database keeps the promises too (migration 0004's triggers) --------------------------


@on_postgresql
def test_the_database_refuses_a_plain_ballot_before_the_count(big_round):
    round, _items, _experts = big_round

    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(round=round, choices=[])

    assert Ballot.objects.count() == 0


@on_postgresql
def test_the_database_refuses_a_sealed_ballot_of_another_length(big_round):
    round, _items, _experts = big_round
    length = round.key.ballot_length + 48

    with pytest.raises(IntegrityError), transaction.atomic():
        SealedBallot.objects.create(round=round, sealed=b"\0" * (length + 1))
    SealedBallot.objects.create(round=round, sealed=b"\0" * length)

    assert SealedBallot.objects.count() == 1


@on_postgresql
def test_the_database_refuses_a_sealed_ballot_in_a_closed_round(big_round, organiser):
    round, _items, _experts = big_round
    services.close_round(round=round, actor=organiser)

    with pytest.raises(IntegrityError), transaction.atomic():
        SealedBallot.objects.create(round=round, sealed=b"\0" * (round.key.ballot_length + 48))

    assert SealedBallot.objects.count() == 0
