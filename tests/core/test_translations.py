"""The Chinese catalogue is complete, and current with the source.

Every UI string is English in code and translated in locale/zh_Hans. These tests fail on an
untranslated or fuzzy entry, and on a string added in code but never extracted into the
catalogue, naming the msgids so the fix is obvious.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
# What is not source: environments, caches, uploads, collected and vendored static files.
NOT_SOURCE = {
    ".venv",
    "venv",
    ".git",
    "media",
    "staticfiles",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "screenshots",
}


def _describe(entries) -> str:
    lines = []
    for entry in entries:
        context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
        lines.append(f"  - {context}{entry.msgid!r}")
    return "\n".join(lines)


def _incomplete(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [
        entry
        for entry in catalogue
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / CATALOGUE))

    missing = _incomplete(catalogue)

    assert len(catalogue) > 0
    assert not missing, f"{len(missing)} entries need a translation:\n{_describe(missing)}"


def _copy_source(root: Path, target: Path) -> None:
    def ignore(directory, names):
        ignored = {name for name in names if name in NOT_SOURCE or name.endswith((".mo", ".pyc"))}
        if Path(directory).resolve() == (root / "static").resolve():
            ignored.add("vendor")
        if Path(directory).resolve() == root.resolve():
            ignored |= {name for name in names if name.startswith("db.sqlite3")}
        return ignored

    shutil.copytree(root, target, ignore=ignore, symlinks=True)


def test_the_catalogue_is_current_with_the_source(tmp_path):
    # Extract the strings again from a copy of the source, merging into a copy of the
    # catalogue: anything new in code comes out untranslated (or fuzzy) and fails here.
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "portal"
    _copy_source(root, copy)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "wnevc.settings"}

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )

    missing = _incomplete(polib.pofile(str(copy / CATALOGUE)))
    assert not missing, (
        f"{len(missing)} strings in the code are missing from the Chinese catalogue "
        "(run makemessages and translate them):\n" + _describe(missing)
    )
