"""Tellers with known secrets, so tests can open, close and count rounds in a line each.

`open_round(...)` is services.open_round that names three fresh tellers unless `tellers=` is
given; `count(round)` closes the round if it is open and counts it with the secrets of two of its
tellers, as they would enter them at the count.
"""

from tests.factories import UserFactory
from voting import services
from voting.models import BallotRound, RoundState, Teller

# The secret of every teller these helpers made, by Teller id (each secret is shown once, to
# the teller: here the teller is the test).
SECRETS: dict[int, str] = {}


def make_tellers(n: int = 3) -> list[Teller]:
    tellers = []
    for _ in range(n):
        user = UserFactory(roles=["organiser"], preferred_language="en")
        secret = services.create_teller_secret(actor=user)
        teller = Teller.objects.get(user=user)
        SECRETS[teller.pk] = secret
        tellers.append(teller)
    return tellers


def secrets_of(round: BallotRound, positions=(0, 1)) -> list[str]:
    by_position = {rt.position: rt.teller_id for rt in round.tellers.all()}
    return [SECRETS[by_position[p]] for p in positions]


def open_round(**kwargs) -> BallotRound:
    kwargs.setdefault("tellers", make_tellers())
    return services.open_round(**kwargs)


def open_runoff(**kwargs) -> BallotRound:
    kwargs.setdefault("tellers", make_tellers())
    return services.open_runoff(**kwargs)


def rerun_round(**kwargs) -> BallotRound:
    kwargs.setdefault("tellers", make_tellers())
    return services.rerun_round(**kwargs)


def count(round: BallotRound, actor=None, positions=(0, 1)) -> BallotRound:
    """Close the round if it is still open, then count it with two tellers' secrets."""
    round.refresh_from_db()
    if round.state == RoundState.OPEN:
        services.close_round(round=round, actor=actor)
    return services.count_round(round=round, actor=actor, secrets=secrets_of(round, positions))


def close_round(*, round: BallotRound, actor) -> BallotRound:
    """services.close_round followed by the count: the old one-step close of many tests."""
    services.close_round(round=round, actor=actor)
    return count(round, actor=actor)
