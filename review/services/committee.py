"""The committee: importing the roster, inviting experts, accepting an invitation."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import roles
from accounts.models import Organisation
from core.services import record_event
from submissions.models import Edition

from ..models import Expert
from ..roster import RosterRow
from .conflicts import refresh_automatic_conflicts


def _organisation_for_affiliation(values: dict[str, str]) -> Organisation | None:
    """The registered organisation named like the affiliation, if exactly one is."""
    query = Q()
    if values.get("affiliation_zh"):
        query |= Q(name_zh__iexact=values["affiliation_zh"])
    if values.get("affiliation_en"):
        query |= Q(name_en__iexact=values["affiliation_en"])
    if not query:
        return None
    matches = list(Organisation.objects.filter(query)[:2])
    return matches[0] if len(matches) == 1 else None


def import_committee(*, edition: Edition, rows: list[RosterRow], actor) -> dict:
    """Create or update (by e-mail) the experts of the rows without errors."""
    User = get_user_model()
    expert_group, _created = Group.objects.get_or_create(name=roles.EXPERT)
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            if not row.ok:
                continue
            values = row.values
            email = values["email"].strip().lower()
            user = User.objects.filter(email__iexact=email).first()
            full_name = values["name_zh"] or values["name_en"]
            if user is None:
                user = User(email=email, full_name=full_name, preferred_language=row.language)
                # No password until the expert accepts the invitation.
                user.set_unusable_password()
                user.save()
            else:
                user.full_name = user.full_name or full_name
                user.preferred_language = row.language
                user.save(update_fields=["full_name", "preferred_language"])
            user.groups.add(expert_group)
            fields = {
                key: values[key]
                for key in (
                    "name_zh",
                    "name_en",
                    "affiliation_zh",
                    "affiliation_en",
                    "title_zh",
                    "title_en",
                )
            }
            expert, was_created = Expert.objects.get_or_create(
                edition=edition, user=user, defaults=fields
            )
            if not was_created:
                for key, value in fields.items():
                    setattr(expert, key, value)
            # A statement given in the file replaces the stored one; an empty cell (or an older
            # file without the column) keeps what the expert wrote on their profile page.
            for key in ("statement_zh", "statement_en", "keywords_zh", "keywords_en"):
                if values.get(key, "").strip():
                    setattr(expert, key, values[key].strip())
            if expert.organisation_id is None:
                expert.organisation = _organisation_for_affiliation(values)
            expert.save()
            expert.directions.set(row.direction_ids)
            created += was_created
            updated += not was_created
        record_event(
            actor=actor,
            action="review.committee_imported",
            obj=edition,
            details={"created": created, "updated": updated},
        )
        if created or updated:
            # New members and new affiliations bring their automatic conflicts at once, through
            # the one path that records conflicts (it removes any assignment they hit).
            refresh_automatic_conflicts(edition=edition, actor=actor)
    return {"created": created, "updated": updated}


def invite_experts(*, experts: Iterable[Expert], actor, base_url: str = "") -> int:
    """E-mail each expert a one-time link to set a password (then TOTP), in their language."""
    from .. import tasks

    experts = [expert for expert in experts if expert.accepted_at is None]
    now = timezone.now()
    with transaction.atomic():
        for expert in experts:
            expert.invited_at = now
            expert.save(update_fields=["invited_at", "updated_at"])
            record_event(actor=actor, action="review.expert_invited", obj=expert)
            transaction.on_commit(partial(tasks.send_expert_invitation.delay, expert.pk, base_url))
    return len(experts)


def accept_invitation(*, user, password: str) -> None:
    """The expert sets a password from the invitation: that accepts it (and verifies the e-mail)."""
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        now = timezone.now()
        for expert in Expert.objects.filter(user=user, accepted_at__isnull=True):
            expert.accepted_at = now
            expert.save(update_fields=["accepted_at", "updated_at"])
            record_event(actor=user, action="review.invitation_accepted", obj=expert)
