"""The ballot's services: opening with a frozen voter list, casting, closing, run-offs,
re-runs, the beat task, certification."""

import re
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.utils import timezone

from core.models import AuditEvent
from tests.factories import NominationFactory, UserFactory
from tests.voting import tellers
from voting import queries, services
from voting.models import (
    Ballot,
    BallotCast,
    BallotRound,
    Recusal,
    RoundKey,
    RoundState,
    RoundVoter,
    SealedBallot,
)
from voting.tasks import close_due_rounds

from .factories import ConflictFactory, ExpertFactory, finalist

pytestmark = pytest.mark.django_db


def open_default(edition, category, organiser, closes_at, **kwargs):
    return tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at, **kwargs
    )


# --- Shares ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (Decimal("0.6667"), Fraction(2, 3)),
        (Decimal("0.5"), Fraction(1, 2)),
        (Decimal("0.7500"), Fraction(3, 4)),
        (Decimal("1"), Fraction(1)),
    ],
)
def test_share_reads_four_decimals_as_the_simple_fraction_meant(stored, expected):
    assert queries.share(stored) == expected


def test_two_thirds_quorum_of_thirty_needs_twenty_ballots(edition, category, items, organiser):
    ExpertFactory.create_batch(30, edition=edition)
    round = open_default(edition, category, organiser, timezone.now() + timedelta(days=1))

    rules = queries.round_rules(round)

    assert (rules.eligible, rules.quorum) == (30, Fraction(2, 3))
    assert services.tally.quorum_needed(rules.eligible, rules.quorum) == 20


# --- Opening --------------------------------------------------------------------------------


def test_open_round_freezes_finalists_voters_recusals_and_fingerprint(
    edition, category, items, committee, organiser, closes_at
):
    NominationFactory(edition=edition, category=category, state="shortlisted")
    pending = ExpertFactory(edition=edition, invited_at=timezone.now())
    inactive = ExpertFactory(edition=edition, user=UserFactory(is_active=False))
    ConflictFactory(expert=committee[0], nomination=items[1])

    round = open_default(edition, category, organiser, closes_at)

    assert round.state == RoundState.OPEN
    assert (round.number, round.quota, round.method) == (1, 2, "approval")
    assert (round.quorum, round.threshold) == (edition.quorum, edition.threshold)
    assert list(round.items.order_by("code")) == items
    voters = [v.expert for v in RoundVoter.objects.filter(round=round).order_by("expert_id")]
    assert voters == committee
    assert pending not in voters and inactive not in voters
    assert [(r.voter.expert, r.nomination) for r in Recusal.objects.filter(round=round)] == [
        (committee[0], items[1])
    ]
    assert round.voter_fingerprint == queries.fingerprint(committee)
    assert re.fullmatch(r"[0-9a-f]{64}", round.voter_fingerprint)
    event = AuditEvent.objects.get(action="voting.round_opened")
    assert (event.actor, event.object_id) == (organiser, str(round.pk))
    assert event.details["voters"] == 3
    assert event.details["voter_fingerprint"] == round.voter_fingerprint


def test_members_added_after_opening_are_not_on_the_frozen_list(
    edition, category, items, committee, organiser, closes_at
):
    round = open_default(edition, category, organiser, closes_at)
    latecomer = ExpertFactory(edition=edition)

    with pytest.raises(services.NotEligible):
        services.cast_ballot(round=round, voter=latecomer, choices=[items[0].code])

    assert round.voters.count() == 3
    assert BallotCast.objects.count() == SealedBallot.objects.count() == 0


def test_a_second_open_round_of_the_category_is_refused(
    edition, category, items, committee, organiser, closes_at
):
    open_default(edition, category, organiser, closes_at)

    with pytest.raises(services.RoundStateError):
        open_default(edition, category, organiser, closes_at)

    assert BallotRound.objects.count() == 1


def test_a_round_without_finalists_is_refused(edition, category, committee, organiser, closes_at):
    with pytest.raises(services.RoundStateError):
        open_default(edition, category, organiser, closes_at)

    assert BallotRound.objects.count() == 0


# --- Casting --------------------------------------------------------------------------------


@pytest.fixture
def round(edition, category, items, committee, organiser, closes_at):
    return open_default(edition, category, organiser, closes_at)


def test_cast_writes_turnout_and_a_sorted_anonymous_ballot_and_returns_its_tracker(
    round, items, committee
):
    tracker = services.cast_ballot(
        round=round, voter=committee[0], choices=[items[2].code, items[0].code]
    )

    assert re.fullmatch(r"([34679ACDEFGHJKMNPQRTWXY]{4}-){3}[34679ACDEFGHJKMNPQRTWXY]{4}", tracker)
    assert list(BallotCast.objects.values_list("round", "voter")) == [(round.pk, committee[0].pk)]
    assert SealedBallot.objects.filter(round=round).count() == 1
    assert Ballot.objects.count() == 0  # plain only after the count
    tellers.count(round)
    ballot = Ballot.objects.get()
    assert (ballot.tracker, ballot.choices) == (tracker, [items[0].code, items[2].code])


def test_borda_ballot_keeps_the_members_order(
    edition, category, items, committee, organiser, closes_at
):
    round = open_default(edition, category, organiser, closes_at, method="borda")

    services.cast_ballot(round=round, voter=committee[0], choices=[items[2].code, items[0].code])
    tellers.count(round)

    assert Ballot.objects.get().choices == [items[2].code, items[0].code]


def test_a_second_ballot_of_the_same_member_is_refused(round, items, committee):
    services.cast_ballot(round=round, voter=committee[0], choices=[items[0].code])

    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(round=round, voter=committee[0], choices=[items[1].code])
    tellers.count(round)

    assert Ballot.objects.get().choices == [items[0].code]
    assert BallotCast.objects.count() == 1


def test_a_recused_item_is_refused_and_nothing_is_written(
    edition, category, items, committee, organiser, closes_at
):
    ConflictFactory(expert=committee[0], nomination=items[0], source="automatic")
    round = open_default(edition, category, organiser, closes_at)

    with pytest.raises(services.RecusedItem):
        services.cast_ballot(round=round, voter=committee[0], choices=[items[0].code])

    assert BallotCast.objects.count() == SealedBallot.objects.count() == 0
    # The other items remain open to that member.
    services.cast_ballot(round=round, voter=committee[0], choices=[items[1].code])
    tellers.count(round)
    assert Ballot.objects.get().choices == [items[1].code]


@pytest.mark.parametrize(
    "choices",
    [["2031-CE-001", "2031-CE-002", "2031-CE-003"], ["2031-CE-001", "2031-CE-001"], ["NOPE"]],
    ids=["over the quota", "twice", "unknown"],
)
def test_invalid_choices_are_refused(round, committee, choices):
    with pytest.raises(services.InvalidChoices):
        services.cast_ballot(round=round, voter=committee[0], choices=choices)

    assert BallotCast.objects.count() == SealedBallot.objects.count() == 0


def test_no_ballot_after_the_window(round, items, committee):
    with (
        time_machine.travel(round.closes_at + timedelta(seconds=1), tick=False),
        pytest.raises(services.RoundNotOpen),
    ):
        services.cast_ballot(round=round, voter=committee[0], choices=[items[0].code])

    assert Ballot.objects.count() == 0


def test_no_ballot_in_a_closed_round(round, items, committee, organiser):
    tellers.close_round(round=round, actor=organiser)

    with pytest.raises(services.RoundNotOpen):
        services.cast_ballot(round=round, voter=committee[0], choices=[items[0].code])

    assert Ballot.objects.count() == 0


# --- Closing --------------------------------------------------------------------------------


def cast_all(round, committee, ballots):
    for expert, choices in zip(committee, ballots, strict=False):
        services.cast_ballot(round=round, voter=expert, choices=choices)


def test_close_counts_the_ballots_and_names_the_winners(round, items, committee, organiser):
    a, b, c = (item.code for item in items)
    cast_all(round, committee, [[a, b], [a, b], [a, c]])

    closed = tellers.close_round(round=round, actor=organiser)

    assert closed.state == RoundState.CLOSED
    assert closed.closed_at is not None
    assert closed.result["winners"] == [a, b]
    assert closed.result["runoff"] is None
    assert [(c["code"], c["score"], c["passes_threshold"]) for c in closed.result["counts"]] == [
        (a, 3, True),
        (b, 2, True),
        (c, 1, False),
    ]
    assert (closed.result["eligible"], closed.result["threshold"]) == (3, "1/2")
    event = AuditEvent.objects.get(action="voting.round_counted")
    assert (event.actor, event.details["winners"]) == (organiser, [a, b])


def test_recused_ballots_do_not_count_against_an_item(
    edition, category, items, committee, organiser, closes_at
):
    a, b, _c = (item.code for item in items)
    ConflictFactory(expert=committee[2], nomination=items[1])
    round = open_default(edition, category, organiser, closes_at, quota=1)
    # b is chosen on 1 of the 2 ballots of members not recused from it: not more than half.
    # Member C is recused from b; their ballot must not count against it, nor for it.
    cast_all(round, committee, [[b], [a], [a]])

    closed = tellers.close_round(round=round, actor=organiser)

    assert closed.result["recused"] == {b: 1}
    counts = {c["code"]: c for c in closed.result["counts"]}
    assert (counts[b]["counted_ballots"], counts[b]["passes_threshold"]) == (2, False)
    assert closed.result["winners"] == [a]


def test_without_quorum_the_round_is_void_and_can_be_held_again(
    round, items, committee, organiser, closes_at
):
    services.cast_ballot(round=round, voter=committee[0], choices=[items[0].code])

    closed = tellers.close_round(round=round, actor=organiser)

    assert closed.state == RoundState.VOID
    assert (closed.result["void"], closed.result["winners"]) == (True, [])
    assert AuditEvent.objects.filter(action="voting.round_voided").count() == 1
    with pytest.raises(services.RoundStateError):
        services.certify_round(round=closed, actor=organiser)

    again = tellers.rerun_round(round=closed, actor=organiser, closes_at=closes_at)

    assert (again.number, again.state, again.quota) == (2, RoundState.OPEN, closed.quota)
    assert list(again.items.order_by("code")) == items
    assert again.casts.count() == 0


def test_a_tie_across_the_line_proposes_a_runoff_for_the_places_left(
    edition, category, items, committee, organiser, closes_at
):
    a, b, c = (item.code for item in items)
    round = open_default(edition, category, organiser, closes_at)
    cast_all(round, committee, [[a, b], [a, c], [b, c]])

    closed = tellers.close_round(round=round, actor=organiser)

    assert closed.state == RoundState.CLOSED
    assert closed.result["winners"] == []
    assert closed.result["runoff"] == {"items": [a, b, c], "places": 2}

    runoff = tellers.open_runoff(round=closed, actor=organiser, closes_at=closes_at)

    assert (runoff.parent, runoff.number, runoff.quota) == (closed, 2, 2)
    assert list(runoff.items.order_by("code")) == items
    with pytest.raises(services.RoundStateError):
        tellers.open_runoff(round=closed, actor=organiser, closes_at=closes_at)


def test_a_partial_tie_runs_off_only_the_tied_items(
    edition, category, items, committee, organiser, closes_at
):
    d_item = finalist(category, code="2031-CE-004")
    a, b, c, d = (item.code for item in [*items, d_item])
    round = open_default(edition, category, organiser, closes_at, quota=3)
    # a: 3 (wins outright); b, c, d: 2 each, all over the threshold, tied for the 2 places left.
    cast_all(round, committee, [[a, b, c], [a, b, d], [a, c, d]])

    closed = tellers.close_round(round=round, actor=organiser)
    runoff = tellers.open_runoff(round=closed, actor=organiser, closes_at=closes_at)

    assert closed.result["winners"] == [a]
    assert closed.result["runoff"] == {"items": [b, c, d], "places": 2}
    assert [n.code for n in runoff.items.order_by("code")] == [b, c, d]
    assert (runoff.quota, runoff.method, runoff.parent) == (2, closed.method, closed)


def test_certified_winners_of_a_round_and_its_runoff(
    edition, category, items, committee, organiser, closes_at
):
    a, b, c = (item.code for item in items)
    round = open_default(edition, category, organiser, closes_at)
    cast_all(round, committee, [[a, b], [a, c], [b, c]])  # 2 each: all three tied for 2 places
    tellers.close_round(round=round, actor=organiser)
    round.refresh_from_db()
    runoff = tellers.open_runoff(round=round, actor=organiser, closes_at=closes_at)
    cast_all(runoff, committee, [[c, a], [c, b], [c, a]])
    tellers.close_round(round=runoff, actor=organiser)
    runoff.refresh_from_db()
    assert runoff.result["winners"] == [c, a]

    with pytest.raises(services.RoundStateError):
        services.certify_round(round=runoff, actor=organiser)  # the parent first
    services.certify_round(round=round, actor=organiser)
    certified = services.certify_round(round=runoff, actor=organiser)

    assert (certified.state, certified.certified_by) == (RoundState.CERTIFIED, organiser)
    assert certified.certified_at is not None
    assert [n.code for n in queries.certified_winners(category)] == [c, a]
    events = AuditEvent.objects.filter(action="voting.round_certified").order_by("id")
    assert [(e.actor, e.object_id, e.details["winners"]) for e in events] == [
        (organiser, str(round.pk), []),
        (organiser, str(runoff.pk), [c, a]),
    ]


def test_certify_names_the_rounds_winners(round, items, committee, organiser):
    a, b, _c = (item.code for item in items)
    cast_all(round, committee, [[a, b], [a, b], [a]])
    tellers.close_round(round=round, actor=organiser)

    services.certify_round(round=round, actor=organiser)

    assert queries.certified_winners(round.category) == [items[0], items[1]]
    with pytest.raises(services.RoundStateError):
        services.certify_round(round=round, actor=organiser)


def test_an_open_round_cannot_be_certified(round, organiser):
    with pytest.raises(services.RoundStateError):
        services.certify_round(round=round, actor=organiser)

    assert AuditEvent.objects.filter(action="voting.round_certified").count() == 0


# --- The beat task --------------------------------------------------------------------------


def test_the_beat_task_closes_rounds_whose_window_has_ended(round, items, committee):
    a, b, _c = (item.code for item in items)
    cast_all(round, committee, [[a], [a, b], [b, a]])

    with time_machine.travel(round.closes_at - timedelta(minutes=1), tick=False):
        assert close_due_rounds.delay().get() == []
    round.refresh_from_db()
    assert round.state == RoundState.OPEN

    with time_machine.travel(round.closes_at + timedelta(minutes=1), tick=False):
        assert close_due_rounds.delay().get() == [round.pk]
        # Run again (a retried task): nothing more to do.
        assert close_due_rounds.delay().get() == []

    round.refresh_from_db()
    assert (round.state, round.result) == (RoundState.AWAITING_COUNT, None)
    event = AuditEvent.objects.get(action="voting.round_closed")
    assert (event.actor, event.details) == (None, {"by": "schedule", "cast": 3, "counted": False})
    assert tellers.count(round).result["winners"] == [a, b]


# --- Rounds opened before sealed ballots ------------------------------------------------------


def test_a_round_opened_before_sealing_takes_no_ballot_and_counts_its_plain_ones_at_the_close(
    round, items, committee, organiser
):
    # As the migration leaves a round that was open at the upgrade: plain ballots, no key.
    RoundKey.objects.filter(round=round).delete()
    Ballot.objects.create(round=round, choices=[items[0].code])
    BallotCast.objects.create(round=round, voter=committee[0])

    with pytest.raises(services.RoundNotOpen):
        services.cast_ballot(round=round, voter=committee[1], choices=[items[1].code])
    closed = services.close_round(round=round, actor=organiser)

    closed.refresh_from_db()
    assert closed.state == RoundState.VOID  # 1 of 3 members: below the quorum
    assert closed.result["cast"] == 1
    assert BallotCast.objects.count() == 1
