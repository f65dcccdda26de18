"""core.i18n: paired-language fields and lists in running text, by the active language."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from core.i18n import join_items, localized


@pytest.mark.parametrize(
    ("language", "joined"),
    [("zh-hans", "重要性、发展潜力、2026-CE-001"), ("en", "重要性, 发展潜力, 2026-CE-001")],
)
def test_a_list_in_running_text_uses_the_languages_comma(language, joined):
    with translation.override(language):
        assert join_items(["重要性", "发展潜力", "2026-CE-001"]) == joined


@pytest.mark.parametrize(("language", "value"), [("zh-hans", "电池"), ("en", "Battery")])
def test_localized_picks_the_language_and_falls_back_to_the_other(language, value):
    both = SimpleNamespace(name_zh="电池", name_en="Battery")
    only_chinese = SimpleNamespace(name_zh="电池", name_en="")

    assert localized(both, "name", language) == value
    assert localized(only_chinese, "name", language) == "电池"
