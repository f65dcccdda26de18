"""Text people type: no invisible control characters, nothing that arrived garbled.

Tabs and line breaks are text; the rest of the C0/C1 controls (ESC starts terminal escape
sequences in logs and exports) and the bidirectional overrides and isolates (U+202A–U+202E,
U+2066–U+2069, which make "报告\u202efdp.exe" read as "报告exe.pdf") are not. NUL is refused by
Django itself. The check is applied to every form's text field (core.apps).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django refuses NUL itself, but its Chinese for the message has a typo (“不允许是用空字符串”):
# listed here so that makemessages takes it into our catalogue, which Django reads first.
DJANGO_MESSAGES_TRANSLATED_HERE = [gettext_noop("Null characters are not allowed.")]

CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@deconstructible
class ControlCharactersValidator:
    message = _(
        "Remove the invisible control characters from this text "
        "(they are often pasted along with formatting)."
    )
    code = "control_characters"

    unreadable_message = _(
        "Part of this text could not be read (it shows as “�”). Please type or paste it again."
    )

    def __call__(self, value):
        if not isinstance(value, str):
            return
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)
        # U+FFFD is what bytes that were not UTF-8 became on the way in: say so rather than
        # keep a garbled text.
        if "\ufffd" in value:
            raise ValidationError(self.unreadable_message, code="unreadable")

    def __eq__(self, other):
        return isinstance(other, ControlCharactersValidator)
