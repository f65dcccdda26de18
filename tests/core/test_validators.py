"""core/validators.py: typed text without invisible controls or garbled bytes."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.validators import ControlCharactersValidator

validate = ControlCharactersValidator()


@pytest.mark.parametrize(
    "text", ["报告 report", "line one\nline two\r\n", "a\tb", "", 42, None, "é—“quoted”"]
)
def test_ordinary_text_passes(text):
    assert validate(text) is None


@pytest.mark.parametrize(
    "text", ["\x1b[31mred", "bell\x07", "del\x7f", "c1\x85", "报告\u202efdp.exe", "\u2066iso\u2069"]
)
def test_controls_and_bidi_overrides_are_refused(text):
    with pytest.raises(ValidationError) as refused:
        validate(text)

    assert refused.value.code == "control_characters"


def test_garbled_text_is_refused_with_its_own_reason():
    with pytest.raises(ValidationError) as refused:
        validate("caf\ufffd")

    assert refused.value.code == "unreadable"


def test_the_message_is_in_the_language_of_the_page():
    for language in ("en", "zh-hans"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            validate("\x1b")
        with translation.override(language):
            messages = [str(message) for message in refused.value.messages]
        if language == "en":
            assert messages == [
                "Remove the invisible control characters from this text "
                "(they are often pasted along with formatting)."
            ]
        else:
            assert messages == ["请删除文本中不可见的控制字符（这类字符常随格式一同粘贴进来）。"]


def test_validators_compare_equal_for_migrations():
    assert ControlCharactersValidator() == ControlCharactersValidator()
    assert ControlCharactersValidator() != object()
