"""Forms of the committee, conflicts and assignment pages (organisers and experts)."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.i18n import localized

from .models import Expert, PairRule

ROSTER_MAX_BYTES = 5 * 1024 * 1024


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Committee roster (CSV or XLSX)"),
        help_text=format_lazy(
            "{} {}",
            _(
                "Columns: name_zh, name_en, email, affiliation_zh, affiliation_en, title_zh, "
                "title_en, directions (codes or names, separated by “;”), language (zh-hans or "
                "en). Experts already on the committee are updated by e-mail address."
            ),
            _(
                "Optional columns: statement_zh, statement_en, keywords_zh, keywords_en (the "
                "statement of expertise; an empty cell keeps what the expert wrote)."
            ),
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload the roster as a CSV or an XLSX file."))
        if upload.size > ROSTER_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class ConflictForm(forms.Form):
    """An organiser enters a conflict: for an expert (choose the entry) or an entry (the expert)."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, experts=None, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if experts is not None:
            self.fields["expert"] = forms.ModelChoiceField(
                label=_("Expert"), queryset=experts, empty_label=None
            )
            self.fields["expert"].label_from_instance = lambda e: localized(e, "name")
            self.order_fields(["expert", "reason"])
        if nominations is not None:
            self.fields["nomination"] = forms.ModelChoiceField(
                label=_("Entry"), queryset=nominations, empty_label=None
            )
            self.fields["nomination"].label_from_instance = lambda n: (
                f"{n.code} {localized(n, 'title')}"
            )
            self.order_fields(["nomination", "reason"])


class AssignmentRunForm(forms.Form):
    per_entry = forms.IntegerField(label=_("Experts per entry"), min_value=1, max_value=50)
    min_load = forms.IntegerField(
        label=_("Minimum load"),
        min_value=0,
        required=False,
        help_text=_("Leave both loads empty to balance them within one."),
    )
    max_load = forms.IntegerField(label=_("Maximum load"), min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_load"), cleaned.get("max_load")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The minimum load cannot be above the maximum load."))
        if (low is None) != (high is None):
            raise forms.ValidationError(_("Give both loads, or neither."))
        return cleaned


class PairActionForm(forms.Form):
    ACTIONS = (
        ("pin", _("Pin")),
        ("forbid", _("Forbid")),
        ("clear", _("Clear the rule")),
        ("assign", _("Assign by hand")),
        ("unassign", _("Remove the assignment")),
        ("swap", _("Swap")),
    )
    action = forms.ChoiceField(choices=ACTIONS)
    new_expert = forms.ModelChoiceField(
        label=_("Give this entry to"), queryset=Expert.objects.none(), required=False
    )

    def __init__(self, *args, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if experts is not None:
            self.fields["new_expert"].queryset = experts
        self.fields["new_expert"].label_from_instance = lambda e: localized(e, "name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "swap" and not cleaned.get("new_expert"):
            self.add_error("new_expert", _("Choose the expert to give the entry to."))
        return cleaned


PAIR_RULE_KINDS = {"pin": PairRule.Kind.PIN, "forbid": PairRule.Kind.FORBID}


class ExpertProfileForm(forms.ModelForm):
    """The expert's statement of expertise and keywords; either language, or both, or none."""

    class Meta:
        model = Expert
        fields = ["statement_zh", "statement_en", "keywords_zh", "keywords_en"]
        widgets = {
            "statement_zh": forms.Textarea(
                attrs={"rows": 4, "maxlength": 2000, "lang": "zh-hans", "class": "form-control"}
            ),
            "statement_en": forms.Textarea(
                attrs={"rows": 4, "maxlength": 2000, "lang": "en", "class": "form-control"}
            ),
            "keywords_zh": forms.TextInput(attrs={"lang": "zh-hans", "class": "form-control"}),
            "keywords_en": forms.TextInput(attrs={"lang": "en", "class": "form-control"}),
        }
        help_texts = {
            "keywords_zh": _("Separated by commas or “；”."),
            "keywords_en": _("Separated by commas or “；”."),
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("statement_zh", "statement_en"):
            if len(cleaned.get(name) or "") > 2000:
                self.add_error(name, _("At most 2,000 characters."))
        return cleaned


class BiddingWindowForm(forms.Form):
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
    )

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            raise forms.ValidationError(_("The window must close after it opens."))
        return cleaned


class AssignmentSettingsForm(forms.ModelForm):
    class Meta:
        from .models import AssignmentSettings

        model = AssignmentSettings
        fields = [
            "direction_weight",
            "text_weight",
            "bid_weight",
            "strong_threshold",
            "strong_minimum",
        ]
        widgets = {
            name: forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": "0"})
            for name in ("direction_weight", "text_weight", "bid_weight", "strong_threshold")
        } | {"strong_minimum": forms.NumberInput(attrs={"class": "form-control", "min": "0"})}

    def clean(self):
        cleaned = super().clean()
        bid = cleaned.get("bid_weight")
        direction = cleaned.get("direction_weight")
        text = cleaned.get("text_weight")
        if bid is not None and bid < 0:
            self.add_error("bid_weight", _("The weight cannot be negative."))
        if None not in (bid, direction, text) and not (bid < direction and bid < text):
            self.add_error(
                "bid_weight",
                _("A preference must weigh less than a direction match and less than the text."),
            )
        return cleaned
