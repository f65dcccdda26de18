"""Permission predicates of accounts (django-rules)."""

import rules

from . import roles


@rules.predicate
def is_organiser(user) -> bool:
    return roles.has_role(user, roles.ORGANISER) or bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_expert(user) -> bool:
    return roles.has_role(user, roles.EXPERT)


@rules.predicate
def is_nominator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.organisation_id)
