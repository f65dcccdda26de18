from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name_zh", "name_en", "email_domain"]
