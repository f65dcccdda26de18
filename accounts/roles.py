"""The roles a person can hold, as Django groups (editable in the admin)."""

from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

ORGANISER = "organiser"
EXPERT = "expert"
ROLES = (ORGANISER, EXPERT)

# Roles whose members must protect their sign-in with TOTP.
MFA_ROLES = (ORGANISER, EXPERT)


def held_role_annotations() -> dict:
    """One EXISTS per role, for loading a person with their roles in one query
    (`accounts.backends`); `remember_held_roles` reads them."""
    return {
        f"_holds_{role}": Exists(Group.objects.filter(user=OuterRef("pk"), name=role))
        for role in ROLES
    }


def remember_held_roles(user) -> None:
    user._role_names = {role for role in ROLES if getattr(user, f"_holds_{role}")}


def role_names(user) -> set[str]:
    """The portal's roles the person holds (other group names an admin may add mean nothing),
    read once per request: from the user's own query when a backend of ours loaded it."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in role_names(user)


def needs_mfa(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(role_names(user) & set(MFA_ROLES)))
