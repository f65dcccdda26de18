"""The roles a person can hold, as Django groups (editable in the admin)."""

ORGANISER = "organiser"
EXPERT = "expert"

# Roles whose members must protect their sign-in with TOTP.
MFA_ROLES = (ORGANISER, EXPERT)


def role_names(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in role_names(user)


def needs_mfa(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(role_names(user) & set(MFA_ROLES)))
