"""The demo's final evaluation: ballot rounds, ballots, certification, the public notice and the
published results. Everything goes through the real services (open_round, cast_ballot,
close_round, certify_round, open_notice, publish), so the demo shows what the portal does.

Ballots follow a fixed pattern, so `--stage published` always gives each category exactly its
quota of winners with no run-off: every member approves the seven front-runners of the
category's consensus order (one member in four leaves one of them out), and one more among the
next three (17, 9 and 5 members), so the eighth clears the threshold and the others do not.
Recused items are left out of a member's ballot. Should a run-off still be proposed (another
quota or committee size), it is held and certified the same way.

If the shortlist stage was not there to make finalists, `ensure_finalists` moves the best
eligible or shortlisted nominations to "finalist" through `transition` itself.
"""

from datetime import timedelta

from publication import services as publication
from review.models import Expert
from scoring.queries import finalist_candidates
from submissions.services import transition
from submissions.stages import Stage
from submissions.states import NominationState
from voting import queries, services
from voting.models import (
    Ballot,
    BallotCast,
    BallotRound,
    Objection,
    Publication,
    RoundState,
    SealedBallot,
    Teller,
)

# Members who have voted when the demo stops at the "voting" stage.
VOTING_STAGE_SHARE = 0.4
ROUND_DAYS = 3
FRONT_RUNNERS = 7
EXTRA_CHOICES = ((0, 17), (1, 26), (2, 31))  # (offset after the front-runners, up to member #)


def clear_voting(year: int) -> None:
    """Remove an edition's ballots, rounds, objections and publication (they protect its rows)."""
    Ballot.objects.filter(round__edition__year=year).delete()
    SealedBallot.objects.filter(round__edition__year=year).delete()
    BallotCast.objects.filter(round__edition__year=year).delete()
    BallotRound.objects.filter(edition__year=year, parent__isnull=False).delete()
    BallotRound.objects.filter(edition__year=year).delete()
    Objection.objects.filter(edition__year=year).delete()
    Publication.objects.filter(edition__year=year).delete()


def ensure_finalists(demo) -> None:
    """Finalists for every category that has none, when no earlier stage made them."""
    edition, organiser = demo.edition, demo.people.organiser
    for category in edition.categories.all():
        if queries.finalists(category).exists():
            continue
        candidates = list(finalist_candidates(category)[: category.shortlist_size])
        for nomination in candidates:
            transition(nomination=nomination, to_state=NominationState.FINALIST, actor=organiser)


def _consensus(round: BallotRound) -> list[str]:
    """The category's order of preference: the preliminary ranking (mean score), then code."""
    items = queries.round_items(round)
    summaries = queries.review_summaries(items)

    def mean(item):
        summary = summaries.get(item.pk)
        return -(getattr(summary, "mean", None) or 0.0)

    return [item.code for item in sorted(items, key=lambda item: (mean(item), item.code))]


def _choices(index: int, order: list[str], quota: int, recused: set[str]) -> list[str]:
    front = order[: min(FRONT_RUNNERS, quota)]
    if index % 4 == 0 and front:
        front = [code for k, code in enumerate(front) if k != (index // 4) % len(front)]
    chosen = list(front)
    rest = order[len(order[: min(FRONT_RUNNERS, quota)]) :]
    for offset, below in EXTRA_CHOICES:
        if index < below:
            if offset < len(rest) and len(chosen) < quota:
                chosen.append(rest[offset])
            break
    return [code for code in chosen if code not in recused][:quota]


def _cast(round: BallotRound, experts: list[Expert]) -> int:
    order = _consensus(round)
    cast = 0
    voters = {v.expert_id: v for v in round.voters.all()}
    for index, expert in enumerate(experts):
        voter = voters.get(expert.pk)
        if voter is None or BallotCast.objects.filter(round=round, voter=expert).exists():
            continue
        choices = _choices(index, order, round.quota, queries.recused_codes(voter))
        services.cast_ballot(round=round, voter=expert, choices=choices)
        cast += 1
    return cast


def _members(demo) -> list[Expert]:
    return list(queries.eligible_experts(demo.edition))


def demo_tellers(demo) -> list[Teller]:
    """Three demo tellers (the organiser and the first two members, or whoever the demo has),
    each with a fresh secret kept in `demo.teller_secrets` for seed_demo to print."""
    people = (
        [demo.people.organiser]
        + [e.user for e in demo.people.experts]
        + list(demo.people.nominators)
    )
    tellers = []
    for user in people[:3]:
        if user.email not in demo.teller_secrets:
            demo.teller_secrets[user.email] = services.create_teller_secret(actor=user)
        tellers.append(Teller.objects.get(user=user))
    return tellers


def _secrets_of(demo, round: BallotRound) -> list[str]:
    emails = [rt.teller.user.email for rt in round.tellers.select_related("teller__user")]
    return [demo.teller_secrets[email] for email in emails[:2]]


def build_voting(demo) -> None:
    """Final evaluation open: a round per category over its finalists, some ballots cast."""
    ensure_finalists(demo)
    organiser = demo.people.organiser
    members = _members(demo)
    if not members:
        return
    voting_now = members[: max(1, int(len(members) * VOTING_STAGE_SHARE))]
    for category in demo.edition.categories.order_by("code"):
        if not queries.finalists(category).exists():
            continue
        round = services.open_round(
            edition=demo.edition,
            category=category,
            actor=organiser,
            closes_at=demo.now + timedelta(days=ROUND_DAYS),
            tellers=demo_tellers(demo),
        )
        _cast(round, voting_now)


def _finish_category(demo, round: BallotRound, members: list[Expert]) -> None:
    organiser = demo.people.organiser
    while True:
        _cast(round, members)
        services.close_round(round=round, actor=organiser)
        round = services.count_round(round=round, actor=organiser, secrets=_secrets_of(demo, round))
        if round.state != RoundState.CLOSED:
            return  # void: the demo leaves it for the organiser to see
        # A small demo edition (--nominations 12) can leave places unfilled: the committee's
        # recorded choice is to leave them vacant (ignored when every place is filled).
        round = services.certify_round(
            round=round,
            actor=organiser,
            unfilled="vacant",
            reason="演示：通过门槛的技术少于名额。Demo: fewer technologies passed than places.",
        )
        if not (round.result or {}).get("runoff"):
            return
        round = services.open_runoff(
            round=round,
            actor=organiser,
            closes_at=demo.now + timedelta(days=ROUND_DAYS),
            tellers=demo_tellers(demo),
        )


def build_published(demo) -> None:
    """Results published: every member has voted, rounds closed and certified, the notice held
    (its window is in the past at this stage), the finalists moved to winner / not selected."""
    organiser = demo.people.organiser
    members = _members(demo)
    open_rounds = BallotRound.objects.filter(edition=demo.edition, state=RoundState.OPEN)
    for round in open_rounds.order_by("category__code"):
        _finish_category(demo, round, members)
    window = demo.edition.stage_windows.filter(stage=Stage.NOTICE).first()
    closes_at = window.closes_at if window else demo.now - timedelta(days=1)
    opens_at = window.opens_at if window else closes_at - timedelta(days=30)
    try:
        publication.open_notice(
            edition=demo.edition, actor=organiser, opens_at=opens_at, closes_at=closes_at
        )
    except publication.PublicationError:
        return  # a category without a certified result: nothing to publish
    publication.publish(edition=demo.edition, actor=organiser, now=demo.now)
