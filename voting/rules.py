"""Who may see and do what in the final evaluation (django-rules predicates).

A refused object answers 404, so a round's existence does not leak. Members see only rounds
that list them as voters; nobody sees counts before a round closes.
"""

import rules

from accounts.rules import is_organiser

from .models import BallotCast, RoundState, RoundVoter

__all__ = ["has_voted", "is_organiser", "is_round_voter", "may_see_result"]

COUNTED_STATES = (RoundState.CLOSED, RoundState.VOID, RoundState.CERTIFIED)


@rules.predicate
def is_round_voter(user, round) -> bool:
    """The user is on the round's frozen voter list."""
    if round is None or not getattr(user, "is_authenticated", False):
        return False
    return RoundVoter.objects.filter(round=round, expert__user=user).exists()


@rules.predicate
def has_voted(user, round) -> bool:
    if round is None or not getattr(user, "is_authenticated", False):
        return False
    return BallotCast.objects.filter(round=round, voter__user=user).exists()


@rules.predicate
def is_counted(user, round) -> bool:
    return round is not None and round.state in COUNTED_STATES


# Counts exist only after the close, and only for the round's voters and the organisers.
may_see_result = is_counted & (is_organiser | is_round_voter)

rules.add_rule("voting.may_see_result", may_see_result)
