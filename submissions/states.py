"""The life of a nomination: its states, its channels of entry, and the one transition table.

This module is a leaf: it imports nothing of ours, so models, services, rules and templates can
all read the table. Only `submissions.services.transition` writes a state.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NominationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("nomination state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("nomination state", "Submitted")
    RETURNED = "returned", pgettext_lazy("nomination state", "Returned for correction")
    ELIGIBLE = "eligible", pgettext_lazy("nomination state", "Eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("nomination state", "Ineligible")
    IN_REVIEW = "in_review", pgettext_lazy("nomination state", "In review")
    SHORTLISTED = "shortlisted", pgettext_lazy("nomination state", "Shortlisted")
    NOT_SHORTLISTED = "not_shortlisted", pgettext_lazy("nomination state", "Not shortlisted")
    FINALIST = "finalist", pgettext_lazy("nomination state", "Finalist")
    WINNER = "winner", pgettext_lazy("nomination state", "Winner")
    NOT_SELECTED = "not_selected", pgettext_lazy("nomination state", "Not selected")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination state", "Withdrawn")


class Channel(models.TextChoices):
    OPEN = "open", pgettext_lazy("channel", "Open collection")
    EXPERT = "expert", pgettext_lazy("channel", "Expert recommendation")
    SECRETARIAT = "secretariat", pgettext_lazy("channel", "Secretariat recommendation")


class Actor(models.TextChoices):
    """Who may perform a transition."""

    NOMINATOR = "nominator", _("Nominator")
    ORGANISER = "organiser", _("Organiser")
    SYSTEM = "system", _("System")


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    actors: frozenset[str]
    # Only nominations of these channels may take this transition; empty means every channel.
    channels: frozenset[str] = frozenset()


S = NominationState
_NOMINATOR = frozenset({Actor.NOMINATOR})
_ORGANISER = frozenset({Actor.ORGANISER})
_ORGANISER_OR_SYSTEM = frozenset({Actor.ORGANISER, Actor.SYSTEM})

# The whole life of a nomination (DESIGN.md, "Nomination states"). Nothing else is allowed.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.SUBMITTED, _NOMINATOR),
    # The formal check.
    Transition(S.SUBMITTED, S.RETURNED, _ORGANISER),
    Transition(S.SUBMITTED, S.ELIGIBLE, _ORGANISER),
    Transition(S.SUBMITTED, S.INELIGIBLE, _ORGANISER),
    # A returned nomination is corrected and submitted again.
    Transition(S.RETURNED, S.SUBMITTED, _NOMINATOR),
    # Preliminary evaluation.
    Transition(S.ELIGIBLE, S.IN_REVIEW, _ORGANISER_OR_SYSTEM),
    Transition(S.IN_REVIEW, S.SHORTLISTED, _ORGANISER_OR_SYSTEM),
    Transition(S.IN_REVIEW, S.NOT_SHORTLISTED, _ORGANISER_OR_SYSTEM),
    # Final evaluation: the shortlist, and expert recommendations once they pass the formal check.
    Transition(S.SHORTLISTED, S.FINALIST, _ORGANISER_OR_SYSTEM),
    Transition(S.ELIGIBLE, S.FINALIST, _ORGANISER_OR_SYSTEM, channels=frozenset({Channel.EXPERT})),
    Transition(S.FINALIST, S.WINNER, _ORGANISER_OR_SYSTEM),
    Transition(S.FINALIST, S.NOT_SELECTED, _ORGANISER_OR_SYSTEM),
    # The nominator may withdraw until the review begins.
    Transition(S.DRAFT, S.WITHDRAWN, _NOMINATOR),
    Transition(S.SUBMITTED, S.WITHDRAWN, _NOMINATOR),
    Transition(S.RETURNED, S.WITHDRAWN, _NOMINATOR),
    Transition(S.ELIGIBLE, S.WITHDRAWN, _NOMINATOR),
)

_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}

# States in which the nominator may still change the content (the window permitting).
EDITABLE_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})
WITHDRAWABLE_STATES = frozenset(t.source for t in TRANSITIONS if t.target == S.WITHDRAWN)


def get_transition(from_state: str, to_state: str) -> Transition | None:
    return _BY_PAIR.get((str(from_state), str(to_state)))


def can_transition(
    from_state: str, to_state: str, *, actor: str | None = None, channel: str | None = None
) -> bool:
    """Whether the table allows from_state -> to_state (for that actor and channel, if given)."""
    transition = get_transition(from_state, to_state)
    if transition is None:
        return False
    if actor is not None and actor not in transition.actors:
        return False
    return not (channel is not None and transition.channels and channel not in transition.channels)


def targets_from(from_state: str) -> list[str]:
    return [t.target for t in TRANSITIONS if t.source == from_state]
