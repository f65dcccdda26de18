"""Who may do what with a nomination, and when (django-rules predicates).

Views ask these and answer 404 when refused; services check the same windows again, so nothing
is created or changed after the collection window closes whoever calls them. The one exception:
a nomination returned for correction stays editable until its correction deadline.
"""

from datetime import datetime

import rules
from django.utils import timezone

from accounts.rules import is_organiser

from .models import Edition, Nomination, StageWindow
from .stages import Stage
from .states import EDITABLE_STATES, WITHDRAWABLE_STATES, Channel, NominationState

# --- Windows --------------------------------------------------------------------------------


def collection_window(edition: Edition) -> StageWindow | None:
    return edition.window(Stage.COLLECTION)


def collection_open(edition: Edition, now: datetime | None = None) -> bool:
    return edition.is_open(Stage.COLLECTION, now)


def window_allows_change(nomination: Nomination, now: datetime | None = None) -> bool:
    """Whether the calendar lets the nominator change this nomination now."""
    now = now or timezone.now()
    if (
        nomination.state == NominationState.RETURNED
        and nomination.correction_deadline is not None
        and now < nomination.correction_deadline
    ):
        return True
    return collection_open(nomination.edition, now)


# --- Predicates -----------------------------------------------------------------------------


@rules.predicate
def is_owner_member(user, nomination) -> bool:
    """The user acts for the organisation that made the nomination."""
    if nomination is None or not getattr(user, "is_authenticated", False):
        return False
    # The expert who recommended a technology (expert channel) acts as its nominator, and so
    # does the secretariat for its own recommendations (as in services._actor_kinds).
    if nomination.channel == Channel.EXPERT and nomination.created_by_id == user.pk:
        return True
    if nomination.channel == Channel.SECRETARIAT and is_organiser(user):
        return True
    return bool(user.organisation_id) and user.organisation_id == nomination.organisation_id


@rules.predicate
def is_in_editable_state(user, nomination) -> bool:
    return nomination is not None and nomination.state in EDITABLE_STATES


@rules.predicate
def is_in_withdrawable_state(user, nomination) -> bool:
    return nomination is not None and nomination.state in WITHDRAWABLE_STATES


@rules.predicate
def is_within_window(user, nomination) -> bool:
    return nomination is not None and window_allows_change(nomination)


can_edit_nomination = is_owner_member & is_in_editable_state & is_within_window
can_withdraw_nomination = is_owner_member & is_in_withdrawable_state
# Experts get nothing here: the review issue adds assigned, unconflicted experts.
can_view_nomination = is_owner_member | is_organiser

rules.add_perm("submissions.see_nomination", can_view_nomination)
rules.add_perm("submissions.edit_nomination", can_edit_nomination)
rules.add_perm("submissions.withdraw_nomination", can_withdraw_nomination)
