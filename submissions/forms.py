"""Forms of the nomination and its pages. They validate input; services do the writing.

`NominationEditForms` is the edit page's input as one, for every audience: the nomination form,
its parts formsets and, on an expert's recommendation, the statement. Its `changes()` is the
`data` of `services.save_nomination`.
"""

import re
from collections.abc import Sequence

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from .completeness import maturity_warnings
from .models import (
    CONTENT_FIELD_LABELS,
    CONTENT_FIELD_NAMES,
    Declaration,
    Nomination,
    Patent,
)
from .options import edition_options
from .services import CONTENT_FIELDS
from .validators import (
    STATEMENT_MAX_CHARACTERS_ZH,
    STATEMENT_MAX_WORDS_EN,
    validate_statement_en,
    validate_statement_zh,
)

TEXTAREA_ROWS = {
    "summary": 4,
    "description": 8,
    "innovations": 6,
    "indicators": 6,
    "application": 6,
}


# A telephone number as people write it: digits with an optional +, spaces, dashes, dots and
# brackets (full-width ones too, as a Chinese keyboard gives them), and an extension (ext, x,
# 转, 分机).
PHONE = re.compile(r"[+＋]?[\d\s().\-（）－]+(\s*(ext\.?|x|转|分机)\s*\d+)?", re.IGNORECASE)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name_zh",
            "name_en",
            "kind",
            "country",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The secretariat must be able to reach someone.
        for name in ("contact_name", "contact_phone", "contact_email"):
            self.fields[name].required = True

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if not PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 5:
            raise forms.ValidationError(
                _(
                    "Enter a telephone number in digits, such as +86 10 6278 1234 (spaces, "
                    "dashes, brackets and an extension are fine)."
                ),
                code="phone",
            )
        return phone


class NewlineCharField(forms.CharField):
    """Counts a line break as one character, as the counter on the page does (not CR+LF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class _OptionIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for option in self.field.options:
            yield self.choice(option)

    def __len__(self):
        return len(self.field.options) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.options)


class OptionChoiceField(forms.ModelChoiceField):
    """A choice among an edition's options (its categories or its technical directions), offered
    and checked against `options`, the rows the page read with the edition
    (submissions.options): no query of its own."""

    iterator = _OptionIterator
    options: Sequence = ()

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = str(getattr(value, "pk", value))  # a row (an initial value) or its key as posted
        for option in self.options:
            if str(option.pk) == key:
                return option
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class NominationForm(forms.ModelForm):
    """The whole nomination: a draft may be saved with any of it missing except the category."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    declarations = forms.MultipleChoiceField(
        label=_("Declarations"),
        choices=Declaration.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Recorded with your account and the time you make them."),
    )

    class Meta:
        model = Nomination
        fields = list(CONTENT_FIELD_NAMES)
        field_classes = {
            "summary_zh": NewlineCharField,
            "summary_en": NewlineCharField,
            "category": OptionChoiceField,
            "direction": OptionChoiceField,
        }
        labels = CONTENT_FIELD_LABELS

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        options = edition_options(edition)
        self.fields["category"].options = options.categories
        self.fields["category"].empty_label = None
        self.fields["category"].widget = forms.RadioSelect(choices=self.fields["category"].choices)
        self.fields["direction"].options = options.directions
        self.fields["direction"].label_from_instance = _localized_name
        self.fields["category"].label_from_instance = _localized_name
        self.fields["trl"].widget = forms.Select(
            choices=[("", "—")] + [(level, str(level)) for level in range(1, 10)]
        )
        self.fields["trl"].help_text = _(
            "1-3: principles and concept; 4-5: validated in the laboratory or a relevant "
            "environment; 6-7: prototype demonstrated in the real environment; 8-9: complete, "
            "qualified and proven in operation."
        )
        for name, rows in TEXTAREA_ROWS.items():
            for language in ("zh", "en"):
                self.fields[f"{name}_{language}"].widget.attrs["rows"] = rows
        for language in ("zh", "en"):
            widget = self.fields[f"summary_{language}"].widget
            widget.attrs["data-charcount"] = "300"
            widget.attrs["maxlength"] = "300"
        for language, lang_attr in (("zh", "zh-Hans"), ("en", "en")):
            for name in ("title", *TEXTAREA_ROWS):
                self.fields[f"{name}_{language}"].widget.attrs["lang"] = lang_attr
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["declarations"].initial = [d.kind for d in self.instance.declarations.all()]

    def _get_validation_exclusions(self):
        # The category and direction fields have checked the choice against this edition's
        # options already; the model's check that those rows exist would only ask again.
        return super()._get_validation_exclusions() | {"category", "direction"}

    @property
    def warnings(self) -> list[str]:
        """Maturity warnings for what the form holds now (never errors)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        category = data.get("category") or (
            self.instance.category if self.instance.category_id else None
        )
        trl = data.get("trl", self.instance.trl)
        status = data.get("application_status", self.instance.application_status)
        return maturity_warnings(category.code if category else None, trl, status)

    def content(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONTENT_FIELDS if name in self.fields}


def _localized_name(obj) -> str:
    from core.i18n import localized

    return localized(obj, "name")


class PartForm(forms.Form):
    """A row of a parts list. Rows left empty are ignored; `key` must be filled otherwise."""

    key = ""
    # The row's remove box says what it removes: three lists each "Delete" box read the same.
    delete_label = _("Remove this row")

    def clean(self):
        data = super().clean()
        filled = any(
            value not in (None, "") for name, value in data.items() if name not in ("DELETE",)
        )
        if filled and not data.get(self.key):
            self.add_error(self.key, _("This field is required when the row is filled."))
        return data

    def row(self) -> dict | None:
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("DELETE") or not data.get(self.key):
            return None
        return {name: value for name, value in data.items() if name != "DELETE"}


class CompletingOrganisationForm(PartForm):
    key = "name_zh"
    delete_label = _("Remove this organisation")
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)


class KeyPersonForm(PartForm):
    key = "name"
    delete_label = _("Remove this person")
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.CharField(label=_("Role in the work"), max_length=200, required=False)


class PatentForm(PartForm):
    key = "number"
    delete_label = _("Remove this patent")
    number = forms.CharField(label=_("Patent number"), max_length=60, required=False)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Patent.Status.choices,
        initial=Patent.Status.GRANTED,
        required=False,
    )

    def clean(self):
        data = forms.Form.clean(self)
        if (data.get("title") or "").strip() and not data.get("number"):
            self.add_error("number", _("This field is required when the row is filled."))
        data["status"] = data.get("status") or Patent.Status.GRANTED
        return data


class PartFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = form.delete_label


CompletingOrganisationFormSet = forms.formset_factory(
    CompletingOrganisationForm, formset=PartFormSet, extra=1, can_delete=True, max_num=30
)
KeyPersonFormSet = forms.formset_factory(
    KeyPersonForm, formset=PartFormSet, extra=1, can_delete=True, max_num=30
)
PatentFormSet = forms.formset_factory(
    PatentForm, formset=PartFormSet, extra=1, can_delete=True, max_num=100
)

PART_FORMSETS = (
    # (prefix, formset class, related name, fields)
    (
        "completing",
        CompletingOrganisationFormSet,
        "completing_organisations",
        ("name_zh", "name_en"),
    ),
    ("people", KeyPersonFormSet, "key_people", ("name", "organisation_name", "role")),
    ("patents", PatentFormSet, "patents", ("number", "title", "status")),
)


def part_formsets(data=None, nomination: Nomination | None = None) -> dict:
    """The three parts formsets, bound to data or filled from the nomination's rows."""
    formsets = {}
    for prefix, formset_class, related, fields in PART_FORMSETS:
        initial = (
            [
                {name: getattr(row, name) for name in fields}
                for row in getattr(nomination, related).all()
            ]
            if nomination is not None and nomination.pk
            else []
        )
        formsets[prefix] = formset_class(data, initial=initial, prefix=prefix)
    return formsets


def part_rows(formsets: dict) -> dict:
    """Service keyword arguments from valid formsets: the full list of each part, in order."""
    rows = {}
    for prefix, _formset_class, related, _fields in PART_FORMSETS:
        rows[related] = [row for form in formsets[prefix].forms if (row := form.row()) is not None]
    return rows


# --- The expert's recommendation statement --------------------------------------------------


class StatementForm(forms.Form):
    """The statement an expert adds to a recommendation, beside the nomination form."""

    statement_zh = forms.CharField(
        label=_("Recommendation statement in Chinese"),
        widget=forms.Textarea(attrs={"rows": 4, "lang": "zh-Hans"}),
        validators=[validate_statement_zh],
    )
    statement_en = forms.CharField(
        label=_("Recommendation statement in English"),
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        validators=[validate_statement_en],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement_zh"].help_text = gettext("At most %(limit)d characters.") % {
            "limit": STATEMENT_MAX_CHARACTERS_ZH
        }
        self.fields["statement_en"].help_text = gettext("At most %(limit)d words.") % {
            "limit": STATEMENT_MAX_WORDS_EN
        }


# --- The edit page, as one ------------------------------------------------------------------


class NominationEditForms:
    """The edit page's forms for one nomination: the same for the nominator, the expert and the
    secretariat, and for the page and its autosave. With `statement=True` (an expert's
    recommendation) the statement form joins them, filled from the recommendation."""

    def __init__(self, data, *, nomination: Nomination, statement: bool = False):
        self.nomination = nomination
        self.form = NominationForm(data, instance=nomination, edition=nomination.edition)
        self.formsets = part_formsets(data, nomination)
        self.statement = None
        if statement:
            recommendation = nomination.recommendation
            self.statement = StatementForm(
                data,
                prefix="statement",
                initial={
                    "statement_zh": recommendation.statement_zh,
                    "statement_en": recommendation.statement_en,
                },
            )

    def is_valid(self) -> bool:
        forms_ = [self.form, *self.formsets.values()]
        if self.statement is not None:
            forms_.append(self.statement)
        # Every form is validated (no short cut), so each shows its errors.
        results = [form.is_valid() for form in forms_]
        return all(results)

    def changes(self) -> dict:
        """The `data` of services.save_nomination, from valid forms."""
        data = {
            "version": self.form.cleaned_data["version"] or 0,
            "declarations": self.form.cleaned_data["declarations"],
            **part_rows(self.formsets),
            **self.form.content(),
        }
        if self.statement is not None:
            data["statement"] = {
                "statement_zh": self.statement.cleaned_data["statement_zh"],
                "statement_en": self.statement.cleaned_data["statement_en"],
            }
        return data
