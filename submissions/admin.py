from dataclasses import asdict
from itertools import pairwise
from math import floor

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from core.services import record_event

from . import defaults
from .models import Category, Direction, Edition, Nomination, StageWindow, StateChange
from .stages import STAGE_ORDER, Stage

# --- The edition's parts, edited on the edition's page ---------------------------------------


class StageWindowFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        windows = sorted(
            (
                form.cleaned_data
                for form in self.forms
                if form.cleaned_data
                and not form.cleaned_data.get("DELETE")
                and form.cleaned_data.get("stage")
            ),
            key=lambda window: STAGE_ORDER.index(window["stage"]),
        )
        # The stages happen one after the other: a stage that opened before the previous one
        # closed would leave two stages open at once, and the portal could not tell which.
        for previous, window in pairwise(windows):
            if window["opens_at"] < previous["closes_at"]:
                raise forms.ValidationError(
                    _("%(stage)s opens before %(previous)s closes: the stages follow one another.")
                    % {
                        "stage": Stage(window["stage"]).label,
                        "previous": Stage(previous["stage"]).label,
                    }
                )


class StageWindowInline(admin.TabularInline):
    model = StageWindow
    formset = StageWindowFormSet
    fields = ["stage", "opens_at", "closes_at"]
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        # A new edition is offered one row per stage, in order.
        return len(STAGE_ORDER) if obj is None else 0


class CategoryInline(admin.StackedInline):
    model = Category
    fields = [
        ("code", "winners_quota", "shortlist_size"),
        ("name_zh", "name_en"),
        "criteria_zh",
        "criteria_en",
    ]
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 5, "cols": 80})}
    }
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return len(defaults.CATEGORIES) if obj is None else 0


class DirectionInline(admin.TabularInline):
    model = Direction
    fields = ["position", "code", "name_zh", "name_en"]
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return len(defaults.DIRECTIONS) if obj is None else 0


# --- The edition ----------------------------------------------------------------------------


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = [
            "year",
            "name_zh",
            "name_en",
            "is_current",
            "committee_size",
            "quorum",
            "threshold",
            "reviewers_per_entry",
        ]
        # Full edition names are long; the admin's wide-field class shows them whole.
        widgets = {
            "name_zh": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "name_en": forms.TextInput(attrs={"class": "vLargeTextField"}),
        }

    def clean_is_current(self):
        is_current = self.cleaned_data["is_current"]
        # Exactly one edition is current: the flag moves to another edition, it is never
        # simply taken away (the public pages would have no edition to show).
        if self.instance.pk and self.instance.is_current and not is_current:
            raise forms.ValidationError(
                _(
                    "This is the current edition. To change that, make another edition current; "
                    "this one then stops being current."
                )
            )
        return is_current

    def _get_validation_exclusions(self):
        # The one-current-edition constraint is kept by save_model, which takes the flag from
        # the previous current edition; validating it here would refuse every new current one.
        exclude = super()._get_validation_exclusions()
        exclude.add("is_current")
        return exclude


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionForm
    list_display = [
        "year",
        "name_zh",
        "name_en",
        "is_current",
        "stage_now",
        "committee_size",
        "winners_quotas",
    ]
    list_display_links = ["year", "name_zh"]
    inlines = [StageWindowInline, CategoryInline, DirectionInline]
    actions = ["make_current"]
    readonly_fields = ["stage_now", "ballot_rule"]

    def get_fieldsets(self, request, obj=None):
        edition_fields = ["year", "name_zh", "name_en", "is_current"]
        committee_fields = ["committee_size", "quorum", "threshold", "reviewers_per_entry"]
        if obj is not None:
            edition_fields.append("stage_now")
            committee_fields.append("ballot_rule")
        return [
            (
                None,
                {
                    "fields": edition_fields,
                    "description": _(
                        "Stage dates below are in Beijing time (Asia/Shanghai). Each stage "
                        "opens when the previous one closes; the public calendar shows them."
                    ),
                },
            ),
            (
                _("Committee and final-evaluation ballot"),
                {
                    "fields": committee_fields,
                    "description": _(
                        "Quorum and threshold are shares written as decimals. The ballot "
                        "counts when at least the quorum share of the committee has voted "
                        "(two thirds: 0.6667). A technology is selected when more than the "
                        "threshold share of the ballots cast by members not recused from it "
                        "approve it (one half: 0.5), up to the category's winners quota."
                    ),
                },
            ),
        ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "year" not in initial:
            latest = Edition.objects.order_by("-year").values_list("year", flat=True).first()
            year = latest + 1 if latest else timezone.localdate().year
            initial["year"] = year
            initial["name_zh"], initial["name_en"] = defaults.edition_names(year)
        initial.setdefault("is_current", not Edition.objects.filter(is_current=True).exists())
        initial.setdefault("committee_size", defaults.COMMITTEE_SIZE)
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # A new edition starts from the standard set-up: both categories with their criteria,
        # the eight technical directions and a row per stage. Offered on the empty form only,
        # so the posted rows count as entered and are saved.
        if obj.pk is None and request.method == "GET":
            if isinstance(inline, StageWindowInline):
                kwargs["initial"] = [{"stage": stage} for stage in STAGE_ORDER]
            elif isinstance(inline, CategoryInline):
                kwargs["initial"] = [asdict(category) for category in defaults.CATEGORIES]
            elif isinstance(inline, DirectionInline):
                kwargs["initial"] = [
                    {**asdict(direction), "position": position}
                    for position, direction in enumerate(defaults.DIRECTIONS, start=1)
                ]
        return kwargs

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("stage_windows", "categories")

    @admin.display(description=_("stage now"))
    def stage_now(self, edition):
        window = edition.current_stage(windows=list(edition.stage_windows.all()))
        if window is None:
            return gettext("No stage is open")
        return window.get_stage_display()

    @admin.display(description=_("winners quotas"))
    def winners_quotas(self, edition):
        return " · ".join(
            f"{localized(category, 'name')} {category.winners_quota}"
            for category in edition.categories.all()
        )

    @admin.display(description=_("ballot rule"))
    def ballot_rule(self, edition):
        if edition.pk is None:
            return "-"
        # The quorum is a share of the committee; it is met by a whole number of members.
        quorum_members = -floor(-edition.committee_size * edition.quorum)
        return gettext(
            "At least %(quorum)s of %(size)s members must vote; a technology needs more than "
            "%(threshold)s%% of the ballots cast by members not recused from it."
        ) % {
            "quorum": quorum_members,
            "size": edition.committee_size,
            "threshold": f"{edition.threshold * 100:.0f}",
        }

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


# --- Nominations: read-only here ------------------------------------------------------------
# Every change to a nomination goes through submissions.services (versions, windows, the
# timeline, the audit trail), so the admin only shows them.


class StateChangeInline(admin.TabularInline):
    model = StateChange
    fields = ["at", "from_state", "to_state", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["code", "title_zh", "title_en", "channel", "category", "state", "organisation"]
    list_filter = ["edition", "channel", "category__code", "state"]
    search_fields = [
        "code",
        "title_zh",
        "title_en",
        "organisation__name_zh",
        "organisation__name_en",
    ]
    list_select_related = ["category", "organisation"]
    inlines = [StateChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
