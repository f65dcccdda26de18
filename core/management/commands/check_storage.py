"""Re-read every stored file and compare it with the size and SHA-256 taken at upload."""

import json
import sys
import time

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from core.integrity import scrub_storage
from core.storage import STORAGE_ERRORS

HELP = """Re-read every stored file (nomination materials, objection files) from the file store
and compare its size and SHA-256 with those recorded when it was stored. Reports missing files
(the row names a file the store lacks), altered files (size or hash differ), files with nothing
recorded to compare, and orphaned files (in the store, named by no row; only without --year).

Prints a readable summary, then one JSON line. Progress goes to stderr. Exit status: 0 when
nothing is lost (orphans alone are not a loss), 1 on any missing or altered file, 2 when the
store cannot be reached. Streams: memory stays flat on a 200 MB file."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only the files of this edition")
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args, year: int | None = None, quiet: bool = False, **options):
        shown = [0.0]

        def progress(done: int, total: int, read: int) -> None:
            now = time.monotonic()
            if quiet or (now - shown[0] < 1 and done < total):
                return
            shown[0] = now
            self.stderr.write(f"checked {done}/{total} files, {filesizeformat(read)} read")

        try:
            report = scrub_storage(year=year, progress=progress)
        except STORAGE_ERRORS as error:
            self.stderr.write(f"The file store cannot be reached: {error}")
            self.stdout.write(json.dumps({"ok": False, "error": "store_unreachable"}))
            sys.exit(2)
        scope = f"edition {year}" if year is not None else "the whole store"
        lines = [
            f"Storage check of {scope}: {report.checked} files, "
            f"{filesizeformat(report.bytes)} read in {report.seconds:.1f} s.",
            f"  missing:    {len(report.missing)}",
            f"  altered:    {len(report.altered)}",
            f"  unrecorded: {len(report.unrecorded)}",
            f"  orphaned:   {len(report.orphaned)}"
            + ("" if year is None else " (not looked for with --year)"),
        ]
        for finding in report.missing:
            lines.append(f"  MISSING {finding['model']} #{finding['pk']}: {finding['name']}")
        for finding in report.altered:
            lines.append(f"  ALTERED {finding['model']} #{finding['pk']}: {finding['name']}")
        for name in report.orphaned:
            lines.append(f"  ORPHANED {name}")
        lines.append("Nothing is lost." if report.ok else f"{report.lost} file(s) LOST.")
        self.stdout.write("\n".join(lines))
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        if not report.ok:
            sys.exit(1)
