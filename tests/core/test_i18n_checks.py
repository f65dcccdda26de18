"""The language checks other tests rely on must catch what they claim to catch."""

import pytest

from tests.i18n_checks import (
    assert_main_is_chinese,
    assert_main_is_english,
    cjk_snippets,
    english_runs,
    main_text,
)

PAGE = """<html><body>
<nav><a href="/en/">English</a> Switch the language of this whole page</nav>
<main>
  <h1>评选介绍</h1>
  <p>世界新能源汽车大会（WNEVC）每年举办。<strong>截至</strong> 2026年3月1日 09:00（UTC+8）</p>
  <script>var notText = "this script is not visible text at all";</script>
  <ul><li>PDF</li><li>JPG</li><li>PNG</li><li>Word</li></ul>
</main>
<footer>Everything in the footer is shared chrome here</footer>
</body></html>"""


def test_main_text_keeps_only_the_visible_text_of_main():
    text = main_text(PAGE)

    assert text.splitlines() == [
        "评选介绍",
        "世界新能源汽车大会（WNEVC）每年举办。截至 2026年3月1日 09:00（UTC+8）",
        "PDF",
        "JPG",
        "PNG",
        "Word",
    ]


def test_a_chinese_page_with_only_proper_names_in_latin_passes():
    assert_main_is_chinese(PAGE)


def test_an_untranslated_sentence_in_a_chinese_page_fails_and_is_quoted():
    page = PAGE.replace("<h1>评选介绍</h1>", "<h1>Selection <em>Introduction</em> of the year</h1>")

    with pytest.raises(AssertionError, match="Selection Introduction of the year"):
        assert_main_is_chinese(page)


def test_english_runs_span_inline_markup_and_punctuation_but_not_blocks():
    assert english_runs("请 Fill in the form, then submit 提交") == [
        "Fill in the form, then submit"
    ]
    assert english_runs("one two\nthree four") == []
    assert english_runs("Global NEVs Cutting-edge", allow=["Global NEVs Cutting-edge"]) == []


def test_the_english_allowlist_is_applied_before_counting_words():
    assert english_runs("WNEVC TRL UTC+8 PDF") == []
    assert english_runs("Contact secretariat@wnevc.example now") == []


def test_chinese_in_an_english_page_fails_and_the_allowlist_lets_names_through():
    page = "<main><p>The Congress (世界新能源汽车大会) meets every year.</p></main>"

    with pytest.raises(AssertionError, match="世界新能源汽车大会"):
        assert_main_is_english(page)
    assert_main_is_english(page, allow=["世界新能源汽车大会"])
    assert cjk_snippets("Full-width，comma") == ["Full-width，comma"]


def test_a_page_without_any_text_of_the_language_fails():
    with pytest.raises(AssertionError, match="no Chinese text"):
        assert_main_is_chinese("<main><p>2026</p></main>")
    with pytest.raises(AssertionError, match="no English text"):
        assert_main_is_english("<main><p>评选</p></main>")
