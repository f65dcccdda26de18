"""The two recommendation channels: experts recommend, the secretariat creates or invites.

Expert recommendation: an expert of the current edition recommends a technology through the
nomination form with channel "expert" and a statement (at most 100 words in each language); at
most `EXPERT_QUOTA_PER_CATEGORY` per category. The quota is counted under a row lock on the
expert's membership, so two requests at the same moment cannot both take the last place.

Secretariat recommendation: organisers create a nomination on behalf of an organisation, or
invite one by a single-use link that opens a nomination pre-set to channel "secretariat".
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.rules import is_organiser
from core.emails import queue_email
from core.services import record_event

from .models import Category, Edition, Invitation, Nomination, Recommendation
from .services import NominationError, check_statement, create_nomination
from .states import Channel, NominationState

EXPERT_QUOTA_PER_CATEGORY = 2


class QuotaExceeded(NominationError):
    pass


class InvitationUnusable(NominationError):
    pass


# --- Expert recommendation ------------------------------------------------------------------


def recommendations_of(expert):
    """The expert's recommendations in the expert's edition (withdrawn ones included)."""
    return (
        Nomination.objects.filter(
            edition_id=expert.edition_id,
            channel=Channel.EXPERT,
            recommendation__recommender_id=expert.user_id,
        )
        .select_related("edition", "category", "direction", "organisation", "recommendation")
        .order_by("category__code", "code")
    )


def quota_used(expert, category: Category) -> int:
    """Recommendations that count against the quota: every one not withdrawn."""
    return (
        recommendations_of(expert)
        .filter(category=category)
        .exclude(state=NominationState.WITHDRAWN)
        .count()
    )


def quota_left(expert) -> dict[str, int]:
    """Places left per category code, for the expert's page."""
    used: dict[str, int] = {}
    for nomination in recommendations_of(expert).exclude(state=NominationState.WITHDRAWN):
        used[nomination.category.code] = used.get(nomination.category.code, 0) + 1
    return {
        code: max(0, EXPERT_QUOTA_PER_CATEGORY - used.get(code, 0))
        for code, _label in Category.Code.choices
    }


def find_or_create_organisation(*, name_zh: str, name_en: str, kind: str, country: str):
    """The organisation of a recommended technology: an existing one with the same name, or new."""
    name_zh, name_en = name_zh.strip(), name_en.strip()
    existing = (Organisation.objects.filter(name_zh=name_zh).first() if name_zh else None) or (
        Organisation.objects.filter(name_en__iexact=name_en).first() if name_en else None
    )
    if existing is not None:
        return existing
    return Organisation.objects.create(
        name_zh=name_zh, name_en=name_en, kind=kind, country=country.strip()
    )


def recommend_technology(
    *,
    expert,
    actor,
    category: Category,
    statement_zh: str,
    statement_en: str,
    organisation: Organisation | None = None,
    organisation_fields: dict | None = None,
    **nomination_fields,
) -> Nomination:
    """Create the expert's recommendation: a draft nomination of channel "expert" and its
    statement. Raises QuotaExceeded when the expert already has the quota in the category."""
    if actor is None or actor.pk != expert.user_id:
        raise NominationError(_("Only the expert can recommend in the expert's name."))
    if category.edition_id != expert.edition_id:
        raise ValueError("The category belongs to another edition.")
    check_statement(statement_zh, statement_en)

    with transaction.atomic():
        # Serialises this expert's recommendations: a second request waits here, then counts
        # the first one's row.
        locked = type(expert).objects.select_for_update().get(pk=expert.pk)
        if quota_used(locked, category) >= EXPERT_QUOTA_PER_CATEGORY:
            raise QuotaExceeded(
                _("You have already recommended %(limit)d technologies in this category.")
                % {"limit": EXPERT_QUOTA_PER_CATEGORY}
            )
        if organisation is None:
            organisation = find_or_create_organisation(**(organisation_fields or {}))
        nomination = create_nomination(
            edition=locked.edition,
            organisation=organisation,
            actor=actor,
            channel=Channel.EXPERT,
            category=category,
            **nomination_fields,
        )
        Recommendation.objects.create(
            nomination=nomination,
            recommender=actor,
            statement_zh=statement_zh.strip(),
            statement_en=statement_en.strip(),
        )
        record_event(
            actor=actor,
            action="nomination.recommended",
            obj=nomination,
            details={"expert": locked.pk, "category": category.code},
        )
    return nomination


# --- Secretariat recommendation -------------------------------------------------------------


def create_secretariat_nomination(
    *, edition: Edition, organisation: Organisation, actor, category: Category, **fields
) -> Nomination:
    """The secretariat puts a technology forward on an organisation's behalf."""
    if not is_organiser(actor):
        raise NominationError(_("Only the secretariat can make a secretariat recommendation."))
    return create_nomination(
        edition=edition,
        organisation=organisation,
        actor=actor,
        channel=Channel.SECRETARIAT,
        category=category,
        **fields,
    )


def invite_organisation(
    *,
    edition: Edition,
    email: str,
    actor,
    language: str,
    organisation: Organisation | None = None,
    accept_url_for=None,
) -> Invitation:
    """Invite an organisation by e-mail (in the invitee's language) to a secretariat nomination.

    `accept_url_for(invitation, language)` gives the absolute link the e-mail carries.
    """
    if not is_organiser(actor):
        raise NominationError(_("Only the secretariat can invite organisations."))
    with transaction.atomic():
        invitation = Invitation.objects.create(
            edition=edition,
            organisation=organisation,
            email=email.strip().lower(),
            created_by=actor,
        )
        record_event(
            actor=actor,
            action="invitation.created",
            obj=invitation,
            details={"email": invitation.email, "language": language},
        )
        link = accept_url_for(invitation, language) if accept_url_for else ""
        queue_email(
            name="secretariat_invitation",
            to=[invitation.email],
            context={"invitation": invitation, "edition": edition, "link": link},
            language=language,
        )
    return invitation


def usable_invitation(token: str) -> Invitation | None:
    """The invitation behind a link, if it can still be accepted (unused, edition current)."""
    invitation = (
        Invitation.objects.select_related("edition", "organisation").filter(token=token).first()
    )
    if invitation is None or invitation.used_at is not None:
        return None
    return invitation


def accept_invitation(*, token: str, actor, category: Category) -> Nomination:
    """The invited organisation accepts: a draft secretariat nomination for the actor's
    organisation. Single use: the invitation row is locked and stamped in the same transaction."""
    if not getattr(actor, "organisation_id", None):
        raise InvitationUnusable(_("Set up your organisation's profile first."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token=token).first()
        if invitation is None or invitation.used_at is not None:
            raise InvitationUnusable(_("This invitation has already been used or is not valid."))
        if invitation.organisation_id and invitation.organisation_id != actor.organisation_id:
            raise InvitationUnusable(_("This invitation is for another organisation."))
        if category.edition_id != invitation.edition_id:
            raise ValueError("The category belongs to another edition.")
        nomination = create_nomination(
            edition=invitation.edition,
            organisation=actor.organisation,
            actor=actor,
            channel=Channel.SECRETARIAT,
            category=category,
        )
        invitation.used_at = timezone.now()
        invitation.nomination = nomination
        invitation.organisation_id = actor.organisation_id
        invitation.save(update_fields=["used_at", "nomination", "organisation"])
        record_event(
            actor=actor,
            action="invitation.accepted",
            obj=invitation,
            details={"nomination": nomination.code},
        )
    return nomination
