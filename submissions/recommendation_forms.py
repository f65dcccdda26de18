"""Forms of the expert's recommendation: the statement beside the nomination form."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .validators import (
    STATEMENT_MAX_CHARACTERS_ZH,
    STATEMENT_MAX_WORDS_EN,
    validate_statement_en,
    validate_statement_zh,
)


class StatementForm(forms.Form):
    statement_zh = forms.CharField(
        label=gettext_lazy("Recommendation statement in Chinese"),
        widget=forms.Textarea(attrs={"rows": 4, "lang": "zh-Hans"}),
        validators=[validate_statement_zh],
    )
    statement_en = forms.CharField(
        label=gettext_lazy("Recommendation statement in English"),
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        validators=[validate_statement_en],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement_zh"].help_text = _("At most %(limit)d characters.") % {
            "limit": STATEMENT_MAX_CHARACTERS_ZH
        }
        self.fields["statement_en"].help_text = _("At most %(limit)d words.") % {
            "limit": STATEMENT_MAX_WORDS_EN
        }
