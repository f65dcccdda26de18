"""Writes to accounts: the nominating organisation's profile.

Each function is one transaction and leaves an audit event. The profile is filled in on the
nominator's pages (submissions), but the organisation is an account's, so its writes live here,
below submissions in the import order.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Refused
from core.services import record_event

from .models import Organisation

ORGANISATION_FIELDS = frozenset(
    {
        "name_zh",
        "name_en",
        "kind",
        "country",
        "address",
        "contact_name",
        "contact_phone",
        "contact_email",
    }
)


class OrganisationRefused(Refused):
    """A refused profile change, with a message for the person who tried it (translated)."""


def save_organisation_profile(
    *, actor, organisation: Organisation | None = None, **fields
) -> Organisation:
    """Create the actor's organisation (and join it), or update the one the actor acts for."""
    unknown = set(fields) - ORGANISATION_FIELDS
    if unknown:
        raise TypeError(f"Not organisation profile fields: {sorted(unknown)}")
    with transaction.atomic():
        if organisation is None:
            organisation = Organisation.objects.create(**fields)
            actor.organisation = organisation
            actor.save(update_fields=["organisation"])
            action = "organisation.created"
        else:
            if actor.organisation_id != organisation.pk:
                raise OrganisationRefused(_("You may only change your own organisation's profile."))
            for name, value in fields.items():
                setattr(organisation, name, value)
            organisation.save()
            action = "organisation.changed"
        record_event(
            actor=actor, action=action, obj=organisation, details={"fields": sorted(fields)}
        )
    return organisation
