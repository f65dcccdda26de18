from django import template
from django.urls import translate_url

from core import i18n
from core.i18n import localized as localized_value

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    """{{ category|localized:"name" }} -> name_zh or name_en by the active language."""
    return localized_value(obj, field)


@register.simple_tag
def item_separator() -> str:
    """{% item_separator %} between the items of a list (core.i18n.item_separator)."""
    return i18n.item_separator()


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """The current page in another language (the language switcher keeps the page)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)
