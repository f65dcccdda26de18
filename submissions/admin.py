from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.services import record_event

from .models import Category, Direction, Edition, StageWindow


class StageWindowInline(admin.TabularInline):
    model = StageWindow
    extra = 0


class CategoryInline(admin.StackedInline):
    model = Category
    extra = 0


class DirectionInline(admin.TabularInline):
    model = Direction
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["year", "name_zh", "name_en", "is_current", "committee_size"]
    inlines = [StageWindowInline, CategoryInline, DirectionInline]
    actions = ["make_current"]

    @admin.action(description=_("Make the selected edition the current one"))
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one edition."), messages.ERROR)
            return
        edition = queryset.get()
        with transaction.atomic():
            Edition.objects.filter(is_current=True).update(is_current=False)
            Edition.objects.filter(pk=edition.pk).update(is_current=True)
            record_event(actor=request.user, action="edition.made_current", obj=edition)
        self.message_user(
            request, _("%(year)s is now the current edition.") % {"year": edition.year}
        )

    def save_model(self, request, obj, form, change):
        # Saving an edition as current takes the flag from the previous one, so exactly one
        # edition stays current.
        with transaction.atomic():
            if obj.is_current:
                Edition.objects.filter(is_current=True).exclude(pk=obj.pk).update(is_current=False)
            super().save_model(request, obj, form, change)
            record_event(
                actor=request.user,
                action="edition.changed" if change else "edition.created",
                obj=obj,
            )
