"""Restore a backup made by backup_portal into a fresh database and file store."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore
from core.storage import STORAGE_ERRORS

HELP = """Restore the backup in folder FROM (made by backup_portal) into the database of
DATABASE_URL and the file store of the settings. Every file of the backup is first checked
against manifest.json; a database that already holds an edition is refused, and so is a store
holding a different file under a backed-up name. Files are put into the store first, then the
database is restored (pg_restore) in one transaction. Afterwards run check_storage and, for a
published edition, verify_bulletin (docs/deploy.md, practising a restore)."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", type=Path, required=True)

    def handle(self, *args, source: Path, **options):
        try:
            manifest = restore(
                source=source,
                progress=lambda done, total: self.stderr.write(f"restored {done}/{total} files"),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        except STORAGE_ERRORS as error:
            raise CommandError(f"The file store cannot be reached: {error}") from error
        count = len(manifest["files"])
        self.stdout.write(f"Restored {count} files and the database from {source}.")
        self.stdout.write(
            json.dumps({"ok": True, "files": len(manifest["files"]), "counts": manifest["counts"]})
        )
