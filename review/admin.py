from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import localized

from .models import Assignment, AssignmentRun, Conflict, Expert, PairRule


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "title_display", "affiliation_display", "edition"]
    list_filter = ["edition", "directions"]
    list_select_related = ["edition"]
    list_per_page = 50
    search_fields = ["name_zh", "name_en", "user__email", "affiliation_zh", "affiliation_en"]
    filter_horizontal = ["directions"]
    raw_id_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["edition", "user"]}),
        (
            _("Name and affiliation"),
            {
                "fields": [
                    ("name_zh", "name_en"),
                    ("title_zh", "title_en"),
                    ("affiliation_zh", "affiliation_en"),
                    "organisation",
                ]
            },
        ),
        (
            _("Expertise"),
            {
                "fields": ["directions"],
                "description": _(
                    "Directions of the expert's own edition. They guide the assignment of "
                    "entries to review."
                ),
            },
        ),
        (_("Invitation"), {"fields": [("invited_at", "accepted_at")]}),
    ]
    readonly_fields = ["invited_at", "accepted_at"]
    autocomplete_fields = ["organisation"]

    @admin.display(description=pgettext_lazy("of a person", "title"), ordering="title_en")
    def title_display(self, expert):
        return localized(expert, "title")

    @admin.display(description=_("affiliation"), ordering="affiliation_en")
    def affiliation_display(self, expert):
        return localized(expert, "affiliation")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "directions":
            field.queryset = field.queryset.select_related("edition").order_by(
                "-edition__year", "position"
            )
            field.label_from_instance = lambda direction: (
                f"{direction.edition.year} · {localized(direction, 'name')}"
            )
        return field


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["nomination", "expert", "source", "created_at"]
    list_filter = ["source", "nomination__edition"]
    list_select_related = ["nomination", "expert"]
    search_fields = ["nomination__code", "expert__name_zh", "expert__name_en", "reason"]
    raw_id_fields = ["expert", "nomination", "created_by"]


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ["nomination", "expert", "kind", "created_at"]
    list_filter = ["kind", "nomination__edition"]
    list_select_related = ["nomination", "expert"]
    raw_id_fields = ["expert", "nomination", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["nomination", "expert", "source", "created_at"]
    list_filter = ["source", "nomination__edition"]
    list_select_related = ["nomination", "expert"]
    search_fields = ["nomination__code", "expert__name_zh", "expert__name_en"]
    raw_id_fields = ["expert", "nomination"]


@admin.register(AssignmentRun)
class AssignmentRunAdmin(admin.ModelAdmin):
    list_display = ["edition", "created_at", "state", "progress", "per_entry"]
    list_filter = ["edition", "state"]
    readonly_fields = ["summary", "error", "finished_at"]
