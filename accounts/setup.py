"""The role groups and exactly what the organiser group may do in the admin."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import roles

# Organisers run the edition from the admin: every model of these apps (voting has no admin;
# its pages ask the rules in voting/rules.py, not model permissions).
ORGANISER_APPS = ("submissions", "review")
# Of accounts and core, only what their admin pages use: organisations (named on experts and
# nominations), the list of users (to pick an expert's account) and the audit trail. Never
# changing users, groups, permissions, authenticators or e-mail addresses: with those an
# organiser could make themselves superuser or take over an expert's account and ballot.
ORGANISER_PERMISSIONS = (
    "accounts.add_organisation",
    "accounts.change_organisation",
    "accounts.view_organisation",
    "accounts.view_user",
    "core.view_auditevent",
)


def organiser_permissions():
    granted = Q(content_type__app_label__in=ORGANISER_APPS)
    for name in ORGANISER_PERMISSIONS:
        app_label, codename = name.split(".")
        granted |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(granted)


def ensure_role_groups(**kwargs):
    # set(), not add(): after every migrate the groups hold exactly these permissions, so one
    # granted by hand (or by an older version of this list) does not outlive the next deploy.
    organisers, _ = Group.objects.get_or_create(name=roles.ORGANISER)
    organisers.permissions.set(organiser_permissions())
    experts, _ = Group.objects.get_or_create(name=roles.EXPERT)
    experts.permissions.clear()
