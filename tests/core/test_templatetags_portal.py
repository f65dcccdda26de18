"""{% load portal %}: the localized filter and the language switcher's link."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from submissions.models import Category


def render(source: str, **context) -> str:
    return Template("{% load portal %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "前沿技术"), ("en", "Cutting-edge technology")]
)
def test_localized_picks_the_field_of_the_active_language(language, expected):
    category = Category(name_zh="前沿技术", name_en="Cutting-edge technology")

    with translation.override(language):
        assert render('{{ category|localized:"name" }}', category=category) == expected


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "仅中文"), ("en", "仅中文")])
def test_localized_falls_back_to_the_other_language(language, expected):
    category = Category(name_zh="仅中文", name_en="")

    with translation.override(language):
        assert render('{{ category|localized:"name" }}', category=category) == expected


def test_localized_text_is_escaped():
    category = Category(name_zh="", name_en='<script>alert("x")</script>')

    with translation.override("en"):
        html = render('{{ category|localized:"name" }}', category=category)

    assert html == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


@pytest.mark.parametrize(
    ("page_language", "path", "language", "expected"),
    [
        ("zh-hans", "/zh-hans/", "en", "/en/"),
        ("en", "/en/", "zh-hans", "/zh-hans/"),
        ("zh-hans", "/zh-hans/?year=2026&x=<b>", "en", "/en/?year=2026&amp;x=%3Cb%3E"),
    ],
)
def test_url_in_language_is_the_same_page_in_the_other_language(
    page_language, path, language, expected
):
    request = RequestFactory().get(path)

    with translation.override(page_language):
        html = render("{% url_in_language lang %}", request=request, lang=language)

    assert html == expected
