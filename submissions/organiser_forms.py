"""Forms of the organisers' pages: formal-check decisions, secretariat nominations, invitations."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .formal_check import BULK_DECISIONS, CHECKLIST, Decision


class DeadlineInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _deadline_field():
    return forms.DateTimeField(
        label=_("Correction deadline"),
        required=False,
        widget=DeadlineInput(),
        help_text=_("Beijing time (Asia/Shanghai). Required when returning."),
    )


class _DecisionRules:
    """Reason and deadline as the decision needs them, reported on the field concerned."""

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if (
            decision in (Decision.INELIGIBLE, Decision.RETURNED)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error(
                "reason", _("Give the reason for this decision; the nominator will read it.")
            )
        if decision == Decision.RETURNED:
            deadline = data.get("correction_deadline")
            if deadline is None:
                self.add_error("correction_deadline", _("Set a correction deadline."))
            elif deadline <= timezone.now():
                self.add_error(
                    "correction_deadline", _("The correction deadline must be in the future.")
                )
        return data


class DecisionForm(_DecisionRules, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required when the nomination is returned or ineligible; sent to the nominator."
        ),
    )
    correction_deadline = _deadline_field()

    def __init__(self, *args, prefilled: dict[str, bool] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        prefilled = prefilled or {}
        # The checklist comes first on the page; each item prefilled from the data.
        for key, label in CHECKLIST:
            self.fields[f"check_{key}"] = forms.BooleanField(
                label=label,
                required=False,
                initial=prefilled.get(key, False),
                # Bootstrap's checkbox: a long label wraps beside it, not under it.
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
        self.order_fields([f"check_{key}" for key, _label in CHECKLIST])

    def checklist_fields(self):
        return [self[f"check_{key}"] for key, _label in CHECKLIST]

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key, _label in CHECKLIST}


class BulkDecisionForm(_DecisionRules, forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, label=_("Nominations"))
    decision = forms.ChoiceField(
        label=_("Decision for the selected nominations"),
        choices=[(value, label) for value, label in Decision.choices if value in BULK_DECISIONS],
    )
    reason = forms.CharField(
        label=_("Reasons (when returning)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    correction_deadline = _deadline_field()

    def __init__(self, *args, ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, str(pk)) for pk in ids]
        self.fields["ids"].error_messages["required"] = _("Select at least one nomination.")


class SecretariatNominationForm(forms.Form):
    """Who the secretariat recommends for: a registered organisation, or a new one."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name_en"),
        required=False,
        help_text=_("Pick a registered organisation, or enter a new one below."),
    )
    new_name_zh = forms.CharField(label=_("New organisation: name in Chinese"), required=False)
    new_name_en = forms.CharField(label=_("New organisation: name in English"), required=False)
    new_kind = forms.ChoiceField(
        label=_("Kind"), choices=Organisation.Kind.choices, initial=Organisation.Kind.ENTERPRISE
    )
    new_country = forms.CharField(label=_("Country or region"), required=False, initial="China")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label_from_instance = lambda o: (
            f"{o.name_zh} / {o.name_en}" if o.name_zh != o.name_en else o.name_en
        )

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not (
            (data.get("new_name_zh") or "").strip() and (data.get("new_name_en") or "").strip()
        ):
            raise forms.ValidationError(
                _("Pick an organisation, or give a new one's name in both languages.")
            )
        return data

    def organisation_fields(self) -> dict:
        return {
            "name_zh": self.cleaned_data["new_name_zh"],
            "name_en": self.cleaned_data["new_name_en"],
            "kind": self.cleaned_data["new_kind"],
            "country": self.cleaned_data["new_country"] or "China",
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the invitee"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation (if registered)"),
        queryset=Organisation.objects.order_by("name_en"),
        required=False,
        help_text=_("If set, only a member of this organisation can accept the invitation."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation e-mail"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )
