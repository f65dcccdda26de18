"""Exports never turn people's text into formulas (core/spreadsheets.py)."""

from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from core.spreadsheets import append_as_text, csv_safe, csv_safe_rows


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example", "click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_text_that_a_spreadsheet_would_read_as_a_formula_gets_an_apostrophe(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["固态电池", "SiC MOSFET 800V", "", "a=b", 42, -3.5, None])
def test_other_values_are_written_as_they_are(value):
    assert csv_safe(value) == value


def test_rows_are_made_safe_cell_by_cell():
    rows = [("2026-CE-001", "=cmd|' /C calc'!A0", 8.5), ("2026-IN-002", "电驱系统", -1)]

    assert csv_safe_rows(rows) == [
        ["2026-CE-001", "'=cmd|' /C calc'!A0", 8.5],
        ["2026-IN-002", "电驱系统", -1],
    ]


def _saved_and_reopened(workbook: Workbook):
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer).active


def test_an_xlsx_row_keeps_formula_text_as_a_quoted_string_and_numbers_as_numbers():
    workbook = Workbook()
    append_as_text(workbook.active, ["Title", "Score"])
    append_as_text(workbook.active, ['=HYPERLINK("http://evil.example","click")', 8.25])
    append_as_text(workbook.active, ["氢燃料电池", 7])

    sheet = _saved_and_reopened(workbook)

    formula_text, score = sheet[2]
    assert formula_text.value == '=HYPERLINK("http://evil.example","click")'
    assert formula_text.data_type == "s"
    assert formula_text.quotePrefix is True
    assert (score.value, score.data_type) == (8.25, "n")
    plain, whole = sheet[3]
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("氢燃料电池", "s", False)
    assert whole.value == 7
    assert [cell.value for cell in sheet[1]] == ["Title", "Score"]
