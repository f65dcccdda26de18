"""core/filenames.py: the uploader's file name, cleaned for display and download."""

import pytest

from core.filenames import MAX_LENGTH, clean_file_name


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\li\\报告.pdf", "报告.pdf"),
        ("../../etc/passwd", "passwd"),
        ("报告\u202efdp.exe", "报告fdp.exe"),  # the right-to-left override is dropped
        ('a"b;c.pdf', "ab c.pdf"),  # nothing that ends a Content-Disposition value
        ("line\r\nbreak\x00.pdf", "linebreak.pdf"),
        ("  spaced   out  .pdf. ", "spaced out .pdf"),
        ("e\u0301.pdf", "\u00e9.pdf"),  # NFC: one code point for é
    ],
)
def test_a_name_is_cleaned(given, kept):
    assert clean_file_name(given) == kept


@pytest.mark.parametrize("given", ["", None, "///", " . ", "\u202e"])
def test_nothing_left_gives_the_fallback(given):
    assert clean_file_name(given, fallback="evidence") == "evidence"


def test_a_long_name_keeps_its_extension():
    kept = clean_file_name("x" * 400 + ".pdf")

    assert kept == "x" * (MAX_LENGTH - 4) + ".pdf"


def test_a_long_name_without_a_short_extension_is_cut():
    kept = clean_file_name("y" * 400)

    assert kept == "y" * MAX_LENGTH
