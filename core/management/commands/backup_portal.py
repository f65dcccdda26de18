"""Back up the database and the file store into a new folder, with a manifest of hashes."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, back_up
from core.storage import STORAGE_ERRORS

HELP = """Back up the portal into the new (or empty) folder TO: first the PostgreSQL database
(pg_dump, custom format, from an exported snapshot), then every stored file that the snapshot's
rows name, copied in 1 MB parts, and manifest.json with the SHA-256 of the dump and of each
file and the row count of every table. Files uploaded meanwhile are not included (their rows
are not in the dump either). Exit status 1 when a file named by a row is missing from the store
or differs from its recorded hash (the backup is still written; the JSON line lists them).
The folder holds personal data: encrypt it before it leaves the server (docs/deploy.md)."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, required=True, help="a new or empty folder")

    def handle(self, *args, to: Path, **options):
        try:
            result = back_up(
                to=to, progress=lambda done, total: self.stderr.write(f"copied {done}/{total}")
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        except STORAGE_ERRORS as error:
            raise CommandError(f"The file store cannot be reached: {error}") from error
        manifest = result.manifest
        self.stdout.write(
            f"Backup written to {to}: database {manifest['database']['size']} bytes, "
            f"{len(manifest['files'])} files, {sum(manifest['counts'].values())} rows."
        )
        self.stdout.write(
            json.dumps(
                {
                    "ok": result.ok,
                    "path": str(to),
                    "files": len(manifest["files"]),
                    "missing": result.missing,
                    "altered": result.altered,
                }
            )
        )
        if not result.ok:
            sys.exit(1)
