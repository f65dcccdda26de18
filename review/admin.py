from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
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


class ConflictAdminForm(forms.ModelForm):
    """The admin's conflict form: the service's own checks, as form errors in the user's
    language, so nothing typed is lost."""

    class Meta:
        model = Conflict
        fields = ["expert", "nomination", "reason"]

    def clean(self):
        cleaned = super().clean()
        expert, nomination = cleaned.get("expert"), cleaned.get("nomination")
        if expert and nomination and expert.edition_id != nomination.edition_id:
            raise forms.ValidationError(_("The expert and the entry belong to different editions."))
        if not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the conflict."))
        return cleaned


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    """Conflicts go through the service here too: adding one removes the pair's assignment and
    review and tells the organisers; a recorded conflict is not edited, only removed (and an
    automatic one follows the data, not a click)."""

    form = ConflictAdminForm
    list_display = ["nomination", "expert", "source", "created_at"]
    list_filter = ["source", "nomination__edition"]
    list_select_related = ["nomination", "expert"]
    search_fields = ["nomination__code", "expert__name_zh", "expert__name_en", "reason"]
    raw_id_fields = ["expert", "nomination"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["expert", "nomination", "source", "reason", "created_by", "created_at"]
        return []

    def has_change_permission(self, request, obj=None):
        # Viewing only: a change would bypass the service (and the automatic refresh).
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.source == Conflict.Source.AUTOMATIC:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # One conflict at a time, through remove_conflict.
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        from .services import add_conflict

        conflict = add_conflict(
            expert=form.cleaned_data["expert"],
            nomination=form.cleaned_data["nomination"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        # The admin logs and redirects with the object it was given.
        obj.pk = conflict.pk
        obj.source = conflict.source
        obj.created_at = conflict.created_at

    def delete_model(self, request, obj):
        from .services import remove_conflict

        remove_conflict(conflict=obj, actor=request.user)


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ["nomination", "expert", "kind", "created_at"]
    list_filter = ["kind", "nomination__edition"]
    list_select_related = ["nomination", "expert"]
    raw_id_fields = ["expert", "nomination", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-only: assignments are made by the assignment page and its services, which never
    assign a conflicted pair (and the database refuses one anyway). A POST that would add,
    change or delete one is refused with a message pointing to the assignment page."""

    list_display = ["nomination", "expert", "source", "created_at"]
    list_filter = ["source", "nomination__edition"]
    list_select_related = ["nomination", "expert"]
    search_fields = ["nomination__code", "expert__name_zh", "expert__name_en"]
    readonly_fields = ["expert", "nomination", "source", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _refuse(self, request):
        messages.error(
            request,
            _(
                "Assignments are read-only here. Make them on the assignment page, which "
                "never assigns an expert with a conflict of interest."
            ),
        )
        return redirect("admin:review_assignment_changelist")

    def add_view(self, request, form_url="", extra_context=None):
        return self._refuse(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            return self._refuse(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refuse(request)


@admin.register(AssignmentRun)
class AssignmentRunAdmin(admin.ModelAdmin):
    list_display = ["edition", "created_at", "state", "progress", "per_entry"]
    list_filter = ["edition", "state"]
    readonly_fields = ["summary", "error", "finished_at"]
