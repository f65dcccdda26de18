"""The admin of accounts: people, roles, second factors and e-mail addresses.

Accounts, roles (groups), authenticators, e-mail addresses and passwords are managed by
superusers only, whatever permissions a group holds: an organiser who could change a user could
make themselves superuser, or take an expert's second factor and password and cast the expert's
ballot. Organisers may look up users (to pick an expert's account) and nothing more here. Every
change made through these pages is written to the audit trail, besides Django's admin log.
"""

import json

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.services import record_event

from .models import Organisation, User


def _is_superuser(request) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


class AuditedAdmin(admin.ModelAdmin):
    """Writes an AuditEvent (core) for every addition, change and deletion made in this admin."""

    def audit_details(self, obj) -> dict:
        return {}

    def _audit(self, request, obj, verb: str, message=None) -> None:
        details = self.audit_details(obj)
        if message:
            # Django's change message names the fields that changed (the password included).
            details["message"] = json.loads(json.dumps(message, default=str))
        record_event(
            actor=request.user,
            action=f"{self.opts.app_label}.{self.opts.model_name}_{verb}",
            obj=obj,
            details=details,
        )

    def log_addition(self, request, obj, message):
        with transaction.atomic():
            self._audit(request, obj, "added", message)
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        with transaction.atomic():
            self._audit(request, obj, "changed", message)
            return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # Called before the rows are deleted, so each one still has its primary key.
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "deleted")
            return super().log_deletions(request, queryset)


class SuperuserOnlyAdmin(AuditedAdmin):
    """Visible and editable by superusers only, whatever a group's permissions say."""

    def has_module_permission(self, request):
        return _is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_add_permission(self, request, *args):
        return _is_superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "preferred_language", "is_staff"]
    list_filter = ["groups", "is_staff", "is_active", "preferred_language"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "preferred_language", "organisation")}),
        (_("Roles"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    # Organisers may read the list (the view permission of their group); adding, changing
    # (roles, superuser, password) and deleting are for superusers only.
    def has_add_permission(self, request):
        return _is_superuser(request)

    def has_change_permission(self, request, obj=None):
        return _is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return _is_superuser(request)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or _is_superuser(request):
            return fieldsets
        # Reading a person's record needs no summary of their password hash.
        return tuple(
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        )

    def audit_details(self, user) -> dict:
        return {
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name_zh", "name_en", "email_domain"]


# Roles are groups: who holds which permission is for superusers alone.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyAdmin, DjangoGroupAdmin):
    def audit_details(self, group) -> dict:
        return {
            "permissions": sorted(
                f"{app_label}.{codename}"
                for app_label, codename in group.permissions.values_list(
                    "content_type__app_label", "codename"
                )
            )
        }


# Second factors: a superuser may remove a lost one (the person then sets up a new one); nobody
# reads or edits one here, and its secret is never shown.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(SuperuserOnlyAdmin, AllauthAuthenticatorAdmin):
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def audit_details(self, authenticator) -> dict:
        return {"user": authenticator.user_id, "type": authenticator.type}


# An e-mail address is where a password reset goes: changing one takes over the account.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(SuperuserOnlyAdmin, AllauthEmailAddressAdmin):
    def audit_details(self, address) -> dict:
        return {"user": address.user_id, "verified": address.verified, "primary": address.primary}

    def make_verified(self, request, queryset):
        unverified = list(queryset.filter(verified=False).values_list("pk", flat=True))
        with transaction.atomic():
            super().make_verified(request, queryset)
            for address in EmailAddress.objects.filter(pk__in=unverified, verified=True):
                self._audit(request, address, "verified")

    make_verified.short_description = AllauthEmailAddressAdmin.make_verified.short_description
