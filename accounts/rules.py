"""Who a person is to the portal: the role predicates every app's rules are built from.

Defined once here; the apps' `rules.py` combine them into named permissions, and views ask
those (through `core.access.permission_required_or_404`). Committee membership of an edition
(an `Expert` row) is `review.rules.is_committee_member`: it needs review's model.
"""

import rules

from . import roles


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_organiser(user) -> bool:
    return roles.has_role(user, roles.ORGANISER) or bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_expert(user) -> bool:
    return roles.has_role(user, roles.EXPERT)


@rules.predicate
def is_nominator(user) -> bool:
    """A signed-in person who is neither organiser nor expert: they signed up to nominate for
    an organisation (whose profile they may not have filled in yet: `acts_for_organisation`)."""
    return is_signed_in(user) and not (is_organiser(user) or is_expert(user))


@rules.predicate
def acts_for_organisation(user) -> bool:
    """The person has told us which organisation they act for (its profile exists)."""
    return is_signed_in(user) and bool(user.organisation_id)
