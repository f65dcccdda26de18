"""Who may do what with a nomination, and when (django-rules predicates).

Views ask these and answer 404 when refused; services check the same windows again, so nothing
is created or changed after the collection window closes whoever calls them. The one exception:
a nomination returned for correction stays editable until its correction deadline.
"""

from datetime import datetime

import rules
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.rules import is_organiser

from .models import Edition, Nomination, StageWindow
from .stages import Stage
from .states import EDITABLE_STATES, WITHDRAWABLE_STATES, Channel, NominationState

# --- Windows --------------------------------------------------------------------------------

_UNSET = object()  # "not given", where None is a meaningful value (no window)


def collection_window(edition: Edition) -> StageWindow | None:
    return edition.window(Stage.COLLECTION)


def with_collection_window(queryset, edition: str = "edition"):
    """The rows of `queryset` with their edition's collection window read in the same query
    (`edition` is the path to the edition from the rows: "pk" for editions themselves). Pass
    each fetched row's edition to `remember_collection_window`; `collection_window` then asks
    nothing more."""
    windows = StageWindow.objects.filter(edition=OuterRef(edition), stage=Stage.COLLECTION)
    return queryset.annotate(
        collection_window_id=Subquery(windows.values("pk")[:1]),
        collection_opens_at=Subquery(windows.values("opens_at")[:1]),
        collection_closes_at=Subquery(windows.values("closes_at")[:1]),
    )


def remember_collection_window(edition: Edition, row) -> None:
    """Primes Edition.window's memo from a row fetched `with_collection_window`."""
    edition.__dict__.setdefault("_windows_by_stage", {})[Stage.COLLECTION] = (
        StageWindow(
            pk=row.collection_window_id,
            edition=edition,
            stage=Stage.COLLECTION,
            opens_at=row.collection_opens_at,
            closes_at=row.collection_closes_at,
        )
        if row.collection_window_id is not None
        else None
    )


def current_edition_with_window() -> Edition | None:
    """The current edition, its collection window read in the same query."""
    edition = with_collection_window(Edition.objects.filter(is_current=True), "pk").first()
    if edition is not None:
        remember_collection_window(edition, edition)
    return edition


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


def correction_ends_at(nomination: Nomination, window=_UNSET) -> datetime | None:
    """The last moment a returned nomination can be corrected and submitted again.

    Its correction deadline, or the end of the collection window when that window is still
    running at the deadline (window_allows_change lets either through). None when not returned.
    A list page passes the edition's collection `window` it has already read.
    """
    deadline = nomination.correction_deadline
    if nomination.state != NominationState.RETURNED or deadline is None:
        return None
    if window is _UNSET:
        window = collection_window(nomination.edition)
    if window is not None and window.opens_at <= deadline < window.closes_at:
        return window.closes_at
    return deadline


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

# --- Named permissions (views ask these through core.access.permission_required_or_404) -------

# The nominator's pages of a nomination (detail, edit, submit, withdraw): its own nominator.
rules.add_perm("submissions.act_for_nomination", is_owner_member)
rules.add_perm("submissions.see_nomination", can_view_nomination)
rules.add_perm("submissions.edit_nomination", can_edit_nomination)
rules.add_perm("submissions.withdraw_nomination", can_withdraw_nomination)
# The secretariat's formal check: the queue, one nomination's checklist, decisions, exports.
rules.add_perm("submissions.run_formal_check", is_organiser)
# The secretariat's own recommendations and its invitations to organisations.
rules.add_perm("submissions.recommend_as_secretariat", is_organiser)
