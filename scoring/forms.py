"""Forms of the scoring: the expert's score form and the organisers' criteria weights."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import localized
from review.models import Criterion, Review

SCALE = [(value, str(value)) for value in range(1, 11)]


def _score_field_name(criterion: Criterion) -> str:
    return f"score_{criterion.pk}"


class ScoreForm(forms.Form):
    """One 1–10 radio group per criterion of the entry's category, a comment and a confidence.

    Every field is optional here, so a draft saves whatever is filled in; the service refuses a
    submission that lacks a score or the confidence, naming what is missing.
    """

    comment = forms.CharField(
        label=_("Comment to the committee"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Seen by the secretariat and the committee, never by the nominator."),
    )
    confidence = forms.TypedChoiceField(
        label=_("Your confidence in this evaluation"),
        choices=Review.Confidence.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[_score_field_name(criterion)] = forms.TypedChoiceField(
                label=localized(criterion, "name"),
                choices=SCALE,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(_score_field_name(c)) for c in self.criteria}

    def criterion_rows(self):
        """(criterion, bound field, anchors as (band, text) pairs) for the template."""
        for criterion in self.criteria:
            yield criterion, self[_score_field_name(criterion)], anchor_bands(criterion)


def anchor_bands(criterion: Criterion) -> list[tuple[str, str]]:
    """The criterion's anchors as ("3–4", text in the active language), lowest first.

    Criterion.anchors is keyed by point of the scale; an anchor describes its point and every
    point up to the next anchor.
    """
    anchors = criterion.anchors or {}
    points = sorted(int(key) for key in anchors if str(key).isdigit())
    bands = []
    for index, point in enumerate(points):
        upper = points[index + 1] - 1 if index + 1 < len(points) else 10
        label = str(point) if upper == point else f"{point}–{upper}"
        bands.append((label, localized_anchor(anchors[str(point)])))
    return bands


def localized_anchor(anchor) -> str:
    from core.i18n import is_chinese

    if isinstance(anchor, str):
        return anchor
    first, second = ("zh", "en") if is_chinese() else ("en", "zh")
    return anchor.get(first) or anchor.get(second) or ""


class WeightsForm(forms.Form):
    """The weights of an edition's criteria, one field per criterion."""

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.DecimalField(
                label=localized(criterion, "name"),
                min_value=Decimal("0"),
                max_value=Decimal("100"),
                max_digits=6,
                decimal_places=3,
                initial=criterion.weight,
                widget=forms.NumberInput(attrs={"step": "0.1", "class": "form-control"}),
            )

    def weights(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"weight_{c.pk}"] for c in self.criteria}

    def rows_by_category(self):
        """[(category, [(criterion, bound field), ...]), ...] in the criteria's order."""
        groups: dict[int, tuple] = {}
        for criterion in self.criteria:
            groups.setdefault(criterion.category_id, (criterion.category, []))[1].append(
                (criterion, self[f"weight_{criterion.pk}"])
            )
        return list(groups.values())


class ShortlistForm(forms.Form):
    nominations = forms.TypedMultipleChoiceField(
        label=pgettext_lazy("shortlist", "Shortlisted entries"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].choices = choices
