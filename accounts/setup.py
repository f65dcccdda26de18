"""The role groups and what the organiser group may do in the admin."""

from django.contrib.auth.models import Group, Permission

from . import roles

# Organisers run the edition from the admin: every model of these apps.
ORGANISER_APPS = ("accounts", "submissions", "review", "voting")


def ensure_role_groups(**kwargs):
    organisers, _ = Group.objects.get_or_create(name=roles.ORGANISER)
    Group.objects.get_or_create(name=roles.EXPERT)
    permissions = Permission.objects.filter(content_type__app_label__in=ORGANISER_APPS)
    organisers.permissions.add(*permissions)
    organisers.permissions.add(*Permission.objects.filter(codename="view_auditevent"))
