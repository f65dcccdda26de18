"""One ballot per member under concurrency: real threads against PostgreSQL.

SQLite serialises every write to the whole database file, so there is no race there to test;
the unique constraint is the guard on that backend (see test_services).
"""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from tests.voting import tellers
from voting import services
from voting.models import Ballot, BallotCast, RoundState, SealedBallot

from .factories import ExpertFactory, finalist

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite runs one writer at a time, so requests cannot race",
    ),
]


def run_together(calls):
    """Start every call at the same moment in its own thread (and database connection)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = ("ok", call())
        except services.BallotError as error:
            outcomes[index] = (type(error).__name__, error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return outcomes


@pytest.fixture
def setting(edition, category, organiser):
    items = [finalist(category) for _ in range(3)]
    experts = [ExpertFactory(edition=edition) for _ in range(6)]
    round = tellers.open_round(
        edition=edition,
        category=category,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=1),
    )
    return round, items, experts


def test_eight_simultaneous_requests_of_one_member_make_one_ballot(setting):
    round, items, experts = setting
    member = experts[0]

    outcomes = run_together(
        [
            lambda i=i: services.cast_ballot(round=round, voter=member, choices=[items[i % 3].code])
            for i in range(8)
        ]
    )

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["AlreadyVoted"] * 7 + ["ok"]
    assert BallotCast.objects.filter(round=round, voter=member).count() == 1
    assert SealedBallot.objects.filter(round=round).count() == 1


def test_all_members_voting_at_once_each_make_one_ballot_and_all_are_counted(setting, organiser):
    round, items, experts = setting
    calls = []
    for expert in experts:
        for _ in range(2):  # each member double-clicks
            calls.append(
                lambda expert=expert: services.cast_ballot(
                    round=round, voter=expert, choices=[items[0].code]
                )
            )

    outcomes = run_together(calls)

    trackers = [value for kind, value in outcomes if kind == "ok"]
    assert len(trackers) == len(set(trackers)) == 6
    assert BallotCast.objects.filter(round=round).count() == 6
    closed = tellers.close_round(round=round, actor=organiser)
    assert sorted(Ballot.objects.filter(round=round).values_list("tracker", flat=True)) == sorted(
        trackers
    )
    assert closed.state == RoundState.CLOSED
    assert closed.result["cast"] == 6
    assert closed.result["winners"] == [items[0].code]


def test_a_ballot_racing_the_close_is_either_counted_or_refused(setting, organiser):
    round, items, experts = setting
    for expert in experts[:4]:
        services.cast_ballot(round=round, voter=expert, choices=[items[1].code])

    outcomes = run_together(
        [
            lambda: services.cast_ballot(round=round, voter=experts[5], choices=[items[1].code]),
            lambda: tellers.close_round(round=round, actor=organiser).result["cast"],
        ]
    )

    cast_outcome, close_outcome = outcomes
    round.refresh_from_db()
    stored = Ballot.objects.filter(round=round).count()
    # Never a stored ballot that the count missed.
    assert round.result["cast"] == stored
    assert close_outcome[0] == "ok"
    assert (cast_outcome[0], stored) in {("ok", 5), ("RoundNotOpen", 4)}


def test_a_ballot_holds_its_round_and_voter_row_but_not_the_edition(setting, edition):
    from django.db import transaction

    from tests.row_locks import locked_by_another

    round, items, experts = setting

    with transaction.atomic():
        services.cast_ballot(round=round, voter=experts[0], choices=[items[0].code])

        assert locked_by_another("voting_ballotround", round.pk)
        assert not locked_by_another("submissions_edition", edition.pk)
