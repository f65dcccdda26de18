"""Who may see and do what in the final evaluation (django-rules predicates).

A refused object answers 404, so a round's existence does not leak. Members see only rounds
that list them as voters; nobody sees counts before a round closes.
"""

import rules

from accounts.rules import is_expert, is_organiser
from review.rules import is_committee_member

from .models import RoundState, RoundTeller, RoundVoter

__all__ = ["is_organiser", "is_round_teller", "is_round_voter", "may_see_result"]

COUNTED_STATES = (RoundState.CLOSED, RoundState.VOID, RoundState.CERTIFIED)


@rules.predicate
def is_round_voter(user, round) -> bool:
    """The user is on the round's frozen voter list."""
    if round is None or not getattr(user, "is_authenticated", False):
        return False
    return RoundVoter.objects.filter(round=round, expert__user=user).exists()


@rules.predicate
def is_round_teller(user, round) -> bool:
    """The user holds one of the round's teller keys."""
    if round is None or not getattr(user, "is_authenticated", False):
        return False
    return RoundTeller.objects.filter(round=round, teller__user=user).exists()


@rules.predicate
def is_counted(user, round) -> bool:
    return round is not None and round.state in COUNTED_STATES


# Counts exist only after the close, and only for the round's voters and the organisers.
may_see_result = is_counted & (is_organiser | is_round_voter)

rules.add_rule("voting.may_see_result", may_see_result)


# --- Named permissions (views ask these through core.access.permission_required_or_404) -------

# A committee member's list of rounds (the object: the current edition).
rules.add_perm("voting.see_rounds", is_committee_member)
# Open a round's ballot, confirm and cast it (the object: the round).
rules.add_perm("voting.cast_ballot", is_round_voter)
# Tellers come from the secretariat and the committee: make a teller key, see one's rounds.
rules.add_perm("voting.hold_teller_key", is_organiser | is_expert)
# Count a round (the object): its tellers, and the organisers who follow the count.
rules.add_perm("voting.count_round", is_organiser | is_round_teller)
# The secretariat's ballot rounds: open, close, void, certify, run-offs and re-runs.
rules.add_perm("voting.run_rounds", is_organiser)
