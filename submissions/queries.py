"""Reads of nominations that span relations, with their joins chosen once."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.rules import is_organiser

from .models import Attachment, Edition, Nomination, StateChange
from .states import Channel, NominationState


def current_edition(*_args, **_kwargs) -> Edition | None:
    """The current edition: the object of an edition-wide permission (for
    `core.access.permission_required_or_404(..., fn=current_edition)`; the request and the
    URL's values are not needed)."""
    return Edition.objects.current()


def current_edition_or_404() -> Edition:
    """The current edition, for a page that has nothing to show without one (404)."""
    edition = Edition.objects.current()
    if edition is None:
        raise Http404
    return edition


def nominations_for_organisation(organisation, edition: Edition) -> QuerySet[Nomination]:
    """One organisation's nominations in an edition, for its list page (one query)."""
    return (
        Nomination.objects.filter(organisation=organisation, edition=edition)
        .select_related("edition", "category", "direction")
        .order_by("-created_at", "-id")
    )


def returned_for_correction(organisation_id, edition: Edition, now) -> QuerySet[Nomination]:
    """The organisation's nominations returned for correction whose deadline is still ahead,
    soonest first: what its dashboard asks it to do."""
    return Nomination.objects.filter(
        organisation_id=organisation_id,
        edition=edition,
        state=NominationState.RETURNED,
        correction_deadline__gt=now,
    ).order_by("correction_deadline", "code")


def nominations_visible_to(user) -> QuerySet[Nomination]:
    """Every nomination this user may open; the views 404 on anything else.

    Organisers see all; a nominator sees the organisation's. Experts see none here: the review
    issue adds the entries assigned to them.
    """
    queryset = Nomination.objects.select_related(
        "edition", "category", "direction", "organisation", "created_by"
    )
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_organiser(user):
        return queryset
    # The expert who recommended a technology sees it like its nominator.
    own = Q(channel=Channel.EXPERT, created_by=user)
    if user.organisation_id:
        return queryset.filter(Q(organisation_id=user.organisation_id) | own)
    return queryset.filter(own)


def nominations_owned_by(user) -> QuerySet[Nomination]:
    """The nominations this user acts for as nominator (`rules.is_owner_member` as a queryset):
    their organisation's, the ones they recommended as an expert, and for organisers the
    secretariat's own recommendations."""
    queryset = Nomination.objects.select_related(
        "edition", "category", "direction", "organisation", "created_by"
    )
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    own = Q(channel=Channel.EXPERT, created_by=user)
    if user.organisation_id:
        own |= Q(organisation_id=user.organisation_id)
    if is_organiser(user):
        own |= Q(channel=Channel.SECRETARIAT)
    return queryset.filter(own)


# What the submit page reads (the completeness check): materials and declarations.
SUBMIT_PAGE_PREFETCH = (
    Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "-version")),
    "declarations",
)


def nomination_with_details(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Add what the detail and submit pages show: parts, declarations, materials, timeline."""
    return queryset.prefetch_related(
        "completing_organisations",
        "key_people",
        "patents",
        "declarations",
        Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "-version")),
        Prefetch(
            "state_changes",
            queryset=StateChange.objects.select_related("actor").order_by("at", "id"),
        ),
    )


def committee_membership(user, edition: Edition | None):
    """The user's committee membership in the edition (a `review.Expert`), or None: the one
    lookup of it (`review.queries.expert_for` is this).

    review is above submissions in the order of apps, so Expert is reached through the reverse
    relation its foreign key declares on the edition, not imported. Kept on the user object (a
    new one each request), so the gate and the view that follow ask the database once.
    """
    if edition is None or not getattr(user, "is_authenticated", False):
        return None
    memberships = getattr(user, "_committee_memberships", None)
    if memberships is None:
        memberships = user._committee_memberships = {}
    if edition.pk not in memberships:
        memberships[edition.pk] = (
            edition.experts.filter(user=user).select_related("edition").first()
        )
    return memberships[edition.pk]
