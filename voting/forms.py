"""Forms of the final evaluation: opening a round, and a member's ballot."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Method, Teller
from .sealing import TELLERS_PER_ROUND


class TellerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        user = obj.user
        return f"{user.full_name} <{user.email}>" if user.full_name else user.email


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ClosesAtForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Voting closes (Beijing time)"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    # The round's tellers: three people who made a teller secret on their teller page. Two of
    # them will be needed to count the round (docs/ballot-secrecy.md).
    tellers = TellerChoiceField(
        label=_("Tellers"),
        queryset=Teller.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose three people who have made a teller secret. Any two of them, together, "
            "will open the ballots at the count."
        ),
        error_messages={"required": _("Choose three tellers.")},
    )

    def clean_closes_at(self):
        value = self.cleaned_data["closes_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value

    def clean_tellers(self):
        value = list(self.cleaned_data["tellers"])
        if len(value) != TELLERS_PER_ROUND:
            raise forms.ValidationError(_("Choose three tellers."))
        return value


class CountForm(forms.Form):
    """The two tellers' secrets, entered together. Never stored or shown again."""

    secret_1 = forms.CharField(
        label=_("First teller's secret"), max_length=200, strip=True, required=False
    )
    secret_2 = forms.CharField(
        label=_("Second teller's secret"), max_length=200, strip=True, required=False
    )


class OpenRoundForm(ClosesAtForm):
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, initial=Method.APPROVAL)
    quota = forms.IntegerField(label=_("Places to fill"), min_value=1, max_value=100)
    quorum = forms.DecimalField(
        label=_("Quorum (share of the voters)"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("0.6667 means two thirds."),
    )
    threshold = forms.DecimalField(
        label=_("Threshold (share of the ballots of members not recused)"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("An item needs more than this share: 0.5 means more than half."),
    )

    field_order = ["method", "quota", "closes_at", "quorum", "threshold", "tellers"]


class BallotForm(forms.Form):
    """A member's choices: approval (tick up to the quota) or Borda (rank up to the quota).

    Items the member is recused from are not fields at all: they cannot be chosen, whatever is
    posted.
    """

    def __init__(self, *args, method: str, quota: int, codes: list[str], recused: set[str], **kw):
        super().__init__(*args, **kw)
        self.method = method
        self.quota = quota
        self.codes = [code for code in codes if code not in recused]
        if method == Method.APPROVAL:
            self.fields["choice"] = forms.MultipleChoiceField(
                choices=[(code, code) for code in self.codes],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            places = [("", "—")] + [(str(n), str(n)) for n in range(1, quota + 1)]
            for code in self.codes:
                self.fields[f"rank_{code}"] = forms.TypedChoiceField(
                    choices=places, required=False, coerce=int, empty_value=None
                )

    def clean(self):
        data = super().clean()
        if self.method == Method.APPROVAL:
            chosen = list(data.get("choice") or [])
        else:
            ranks = {
                code: data.get(f"rank_{code}")
                for code in self.codes
                if data.get(f"rank_{code}") is not None
            }
            if len(set(ranks.values())) != len(ranks):
                raise forms.ValidationError(_("Give each place to one item only."))
            if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
                raise forms.ValidationError(
                    _("Use the places in order, from 1, without leaving a gap.")
                )
            chosen = sorted(ranks, key=ranks.get)
        if len(chosen) > self.quota:
            raise forms.ValidationError(
                ngettext(
                    "Choose at most %(quota)d item.",
                    "Choose at most %(quota)d items.",
                    self.quota,
                )
                % {"quota": self.quota}
            )
        self.chosen = chosen
        return data

    def selected(self) -> dict[str, int]:
        """For re-displaying: code → 1 (approval) or its place (Borda)."""
        if not self.is_bound:
            return {}
        if self.method == Method.APPROVAL:
            return {code: 1 for code in self.data.getlist("choice") if code in self.codes}
        selected = {}
        for code in self.codes:
            value = self.data.get(f"rank_{code}")
            if value and value.isdigit():
                selected[code] = int(value)
        return selected


PLACE_DECISION_CHOICES = [
    ("vacant", _("Leave them vacant (recorded and shown on the results)")),
    ("runoff", _("Hold one vacancy run-off for them")),
]


class PlaceDecisionForm(forms.Form):
    """The committee's explicit choice for places a result leaves open, with its reason."""

    unfilled = forms.ChoiceField(
        label=_("What happens to these places"),
        choices=PLACE_DECISION_CHOICES,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (published with the results)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoidRoundForm(forms.Form):
    """Voiding an uncounted round, for a recorded reason (voting.services.void_round)."""

    reason = forms.CharField(
        label=_("Reason for voiding the round (published in the ballot bulletin)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for voiding the round.")},
    )
