"""Paired-language content: `title_zh` / `title_en` columns, picked by the active language."""

from django.utils.translation import get_language


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


def localized(obj, field: str, language: str | None = None) -> str:
    """The `field_zh` or `field_en` value of obj for the language, falling back to the other."""
    first, second = ("zh", "en") if is_chinese(language) else ("en", "zh")
    value = getattr(obj, f"{field}_{first}", "") or ""
    return value or (getattr(obj, f"{field}_{second}", "") or "")


def item_separator() -> str:
    """Between the items of a list in running text: "、" in Chinese (an enumeration comma, not
    the English one), ", " in English."""
    return "、" if is_chinese() else ", "


def join_items(items) -> str:
    """Items of a list in running text, as the language writes them: "a, b" in English,
    "a、b" in Chinese."""
    return item_separator().join(str(item) for item in items)
