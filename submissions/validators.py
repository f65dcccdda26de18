"""Validators of nomination content. A leaf module: no models, no services.

Word limits of the expert's recommendation statement (≤100 words in each language): English
counts words separated by whitespace; Chinese is written without spaces, so it counts characters
instead, at most 200 (roughly two characters make a word; whitespace and line breaks are not
counted, punctuation is).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

SUMMARY_MAX_CHARACTERS = 300
STATEMENT_MAX_WORDS_EN = 100
STATEMENT_MAX_CHARACTERS_ZH = 200


def count_english_words(text: str) -> int:
    return len((text or "").split())


def count_chinese_characters(text: str) -> int:
    return sum(1 for ch in (text or "") if not ch.isspace())


def validate_statement_en(value: str) -> None:
    words = count_english_words(value)
    if words > STATEMENT_MAX_WORDS_EN:
        raise ValidationError(
            ngettext(
                "The English statement may have at most %(limit)d word; it has %(count)d.",
                "The English statement may have at most %(limit)d words; it has %(count)d.",
                STATEMENT_MAX_WORDS_EN,
            )
            % {"limit": STATEMENT_MAX_WORDS_EN, "count": words},
            code="too_many_words",
        )


def validate_statement_zh(value: str) -> None:
    characters = count_chinese_characters(value)
    if characters > STATEMENT_MAX_CHARACTERS_ZH:
        raise ValidationError(
            _("The Chinese statement may have at most %(limit)d characters; it has %(count)d.")
            % {"limit": STATEMENT_MAX_CHARACTERS_ZH, "count": characters},
            code="too_many_characters",
        )
