"""Reading a committee roster from CSV or XLSX and checking it row by row.

Columns (header row, any order): name_zh, name_en, email, affiliation_zh, affiliation_en,
title_zh, title_en, directions (codes or names, separated by ";"), language (zh-hans / en);
optional: statement_zh, statement_en, keywords_zh, keywords_en (the statement of expertise).
Nothing here writes: `parse_roster` gives rows with their errors for the preview, and
`review.services.committee.import_committee` writes the rows the organiser confirmed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field
from itertools import islice

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.i18n import join_items

from .conflicts import normalise_name

COLUMNS = (
    "name_zh",
    "name_en",
    "email",
    "affiliation_zh",
    "affiliation_en",
    "title_zh",
    "title_en",
    "directions",
    "language",
    # Optional, added for the assignment by expertise; older roster files without them stay valid.
    "statement_zh",
    "statement_en",
    "keywords_zh",
    "keywords_en",
)
REQUIRED_COLUMNS = ("email",)
LANGUAGES = {
    "zh-hans": "zh-hans",
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "中文": "zh-hans",
    "chinese": "zh-hans",
    "en": "en",
    "english": "en",
    "英文": "en",
}
MAX_ROWS = 1000
_SEPARATORS = re.compile(r"[;；,，]")


class RosterFileError(Exception):
    """The file as a whole cannot be read (translated message)."""


@dataclass
class RosterRow:
    line: int
    values: dict[str, str]
    direction_ids: list[int] = field(default_factory=list)
    language: str = "zh-hans"
    # Each error is a code and its parameters, turned into a sentence by `error_message` in
    # whatever language the preview is shown.
    errors: list[dict] = field(default_factory=list)
    existing: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> RosterRow:
        return cls(**data)


def error_message(error: dict) -> str:
    code = error.get("code")
    value = error.get("value", "")
    if code == "email_missing":
        return _("The e-mail address is missing.")
    if code == "email_invalid":
        return _("“%(value)s” is not a valid e-mail address.") % {"value": value}
    if code == "email_repeated":
        return _("The e-mail address %(value)s appears on an earlier row too.") % {"value": value}
    if code == "name_missing":
        return _("Give the name in Chinese or in English.")
    if code == "affiliation_missing":
        return _("Give the affiliation in Chinese or in English.")
    if code == "direction_unknown":
        return _("“%(value)s” is not a technical direction of this edition.") % {"value": value}
    if code == "language_unknown":
        return _("“%(value)s” is not a language of the portal (use zh-hans or en).") % {
            "value": value
        }
    if code == "too_long":
        return _("%(column)s is longer than %(limit)s characters.") % {
            "column": error.get("column", ""),
            "limit": error.get("limit", ""),
        }
    return _("This row cannot be imported.")


_LIMITS = {
    "name_zh": 100,
    "name_en": 100,
    "affiliation_zh": 200,
    "affiliation_en": 200,
    "title_zh": 100,
    "title_en": 100,
    "statement_zh": 2000,
    "statement_en": 2000,
    "keywords_zh": 500,
    "keywords_en": 500,
}


def read_table(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of the first sheet (XLSX) or of the CSV file, as {column: text}."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        raw_rows = _xlsx_rows(content)
    elif name.endswith(".csv") or name.endswith(".txt"):
        raw_rows = _csv_rows(content)
    else:
        raise RosterFileError(_("Upload the roster as a CSV or an XLSX file."))
    if not raw_rows:
        raise RosterFileError(_("The file is empty."))
    header = [str(cell or "").strip().lower() for cell in raw_rows[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise RosterFileError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": join_items(missing)}
        )
    rows = []
    for raw in raw_rows[1:]:
        values = {
            column: _cell_text(raw[i]) if i < len(raw) else ""
            for i, column in enumerate(header)
            if column in COLUMNS
        }
        rows.append(values)
    if len(rows) > MAX_ROWS:
        raise RosterFileError(_("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS})
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# A roster of MAX_ROWS people is a few hundred kilobytes of sheet XML. An XLSX is a zip: one that
# unpacks to more than this is a decompression bomb, refused before openpyxl reads it.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
# Reading stops here, so a huge sheet is neither held in memory nor read to its end; a row more
# than MAX_ROWS is kept so that read_table still says the file is too long.
_READ_LIMIT = MAX_ROWS + 2
# Columns read per row: a sheet that claims 16,384 columns is not walked across.
_MAX_COLUMNS = 40


def _csv_rows(content: bytes) -> list[list[str]]:
    # Excel in mainland China saves CSV as GB18030 unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_("The CSV file is neither UTF-8 nor GB18030 text."))
    rows = (row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row))
    return list(islice(rows, _READ_LIMIT))


def _xlsx_rows(content: bytes) -> list[list]:
    from zipfile import BadZipFile, ZipFile

    from openpyxl import load_workbook

    try:
        # Declared sizes bound what zipfile will inflate, so their sum bounds the whole read.
        with ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise RosterFileError(_("The XLSX file is too large once unpacked."))
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as error:
        raise RosterFileError(_("The XLSX file cannot be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = (
            list(row)
            for row in sheet.iter_rows(values_only=True, max_col=_MAX_COLUMNS)
            if any(cell not in (None, "") for cell in row)
        )
        return list(islice(rows, _READ_LIMIT))
    finally:
        workbook.close()


def parse_roster(
    rows: list[dict[str, str]],
    *,
    directions: list[tuple[int, str, str, str]],
    existing_emails: set[str] = frozenset(),
) -> list[RosterRow]:
    """Check each row. `directions` are (id, code, name_zh, name_en) of the edition."""
    by_key: dict[str, int] = {}
    for direction_id, code, name_zh, name_en in directions:
        for key in (code, name_zh, name_en):
            if key:
                by_key[normalise_name(key)] = direction_id
    seen: set[str] = set()
    parsed = []
    for number, values in enumerate(rows, start=2):
        values = {column: values.get(column, "") for column in COLUMNS}
        row = RosterRow(line=number, values=values)
        email = values["email"].strip().lower()
        values["email"] = email
        if not email:
            row.errors.append({"code": "email_missing"})
        else:
            try:
                validate_email(email)
            except ValidationError:
                row.errors.append({"code": "email_invalid", "value": email})
            else:
                if email in seen:
                    row.errors.append({"code": "email_repeated", "value": email})
                seen.add(email)
                row.existing = email in existing_emails
        if not (values["name_zh"] or values["name_en"]):
            row.errors.append({"code": "name_missing"})
        if not (values["affiliation_zh"] or values["affiliation_en"]):
            row.errors.append({"code": "affiliation_missing"})
        for column, limit in _LIMITS.items():
            if len(values[column]) > limit:
                row.errors.append({"code": "too_long", "column": column, "limit": limit})
        for token in _SEPARATORS.split(values["directions"]):
            token = token.strip()
            if not token:
                continue
            direction_id = by_key.get(normalise_name(token))
            if direction_id is None:
                row.errors.append({"code": "direction_unknown", "value": token})
            elif direction_id not in row.direction_ids:
                row.direction_ids.append(direction_id)
        language = values["language"].strip().lower()
        if language:
            if language in LANGUAGES:
                row.language = LANGUAGES[language]
            else:
                row.errors.append({"code": "language_unknown", "value": values["language"]})
        parsed.append(row)
    return parsed
