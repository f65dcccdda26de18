"""Exports that spreadsheet programs open without running what people typed.

A cell whose text starts with = + - @ (or a tab / carriage return) is read as a formula by Excel,
WPS and LibreOffice: a nomination titled `=HYPERLINK("http://evil", "click")` would become a live
link, `=cmd|...` a command prompt (CSV/formula injection, OWASP). Text from people is therefore
written as text: in CSV with a leading apostrophe, in XLSX as a string cell marked "quote prefix"
(shown without the apostrophe, never evaluated).
"""

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_safe_rows(rows: Iterable[Iterable]) -> list[list]:
    return [[csv_safe(value) for value in row] for row in rows]


def append_as_text(sheet, row: Iterable) -> None:
    """sheet.append(row), except that no text becomes a formula."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            # openpyxl turns a string starting with "=" into a formula; keep it a string.
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True
