"""Backup and restore of the whole portal: the PostgreSQL database and the file store, with a
manifest of hashes. `manage.py backup_portal` and `manage.py restore_portal` call these.

Consistency. The database is dumped FIRST, from a snapshot exported by a repeatable-read
transaction (`pg_dump --snapshot`); the list of files to copy is read in that same snapshot.
So the backup holds exactly the files the dumped rows name, whatever is uploaded meanwhile.
The portal never deletes a file a row names (older versions and removed materials stay as
history; only a file whose row was never committed is deleted again), so every file the
snapshot names is still in the store when it is copied. A file deleted behind the portal's
back is reported as missing and the backup exits non-zero; bucket versioning (docs/deploy.md)
keeps even those recoverable.

Restore. Everything in the backup is verified against the manifest before anything is
written. A database that already holds an edition is refused. Files go into the store first,
under their exact names, then the database is restored in one transaction: the restored rows
never name a file the store lacks.

The backup folder holds personal data, reviews and, during an open round, sealed ballots: it
is written with mode 0700/0600 and must be encrypted before it leaves the server (deploy.md).
"""

import hashlib
import json
import os
import shutil
import subprocess  # nosec B404  # runs pg_dump and pg_restore, fixed arguments
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from psycopg2 import extensions, sql

from .integrity import STORED_FILES
from .storage import CHUNK, measure

FORMAT = 1
DUMP = "database.dump"
MANIFEST = "manifest.json"
FILES = "files"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _database() -> dict:
    params = settings.DATABASES["default"]
    if params["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backup and restore need PostgreSQL (set DATABASE_URL).")
    return params


def _libpq_environment(params: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(params.get("HOST") or "127.0.0.1"),
            "PGPORT": str(params.get("PORT") or 5432),
            "PGUSER": str(params.get("USER") or ""),
            "PGDATABASE": str(params["NAME"]),
        }
    )
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return env


def _connect(params: dict):
    return psycopg2.connect(
        host=params.get("HOST") or "127.0.0.1",
        port=params.get("PORT") or 5432,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        dbname=params["NAME"],
    )


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _stored_files(cursor) -> list[tuple[str, int | None, str]]:
    from django.apps import apps

    rows = []
    for spec in STORED_FILES:
        model = apps.get_model(spec.model)
        field = model._meta.get_field
        cursor.execute(
            sql.SQL("SELECT {file}, {size}, {sha} FROM {table} WHERE {file} <> ''").format(
                file=sql.Identifier(field(spec.file).column),
                size=sql.Identifier(field(spec.size).column),
                sha=sql.Identifier(field(spec.sha256).column),
                table=sql.Identifier(model._meta.db_table),
            )
        )
        rows.extend(cursor.fetchall())
    return sorted(rows)


@dataclass
class BackupResult:
    manifest: dict
    missing: list[str]
    altered: list[str]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered)


def back_up(*, to: Path, storage=None, progress=None) -> BackupResult:
    """Dump the database, then copy the files its snapshot names, into the empty folder `to`."""
    _database()
    to = Path(to)
    if to.exists() and any(to.iterdir()):
        raise BackupError(f"{to} is not empty; a backup goes into a new folder.")
    # Readable by the account that makes it only: the backup holds personal data.
    previous = os.umask(0o077)
    try:
        to.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(to, 0o700)
        return _back_up(to, storage if storage is not None else default_storage, progress)
    finally:
        os.umask(previous)


def _back_up(to: Path, storage, progress) -> BackupResult:
    params = _database()

    snapshot_connection = _connect(params)
    try:
        snapshot_connection.set_session(
            isolation_level=extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True
        )
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            result = subprocess.run(  # noqa: S603  # nosec B603  # fixed arguments, no shell
                [
                    shutil.which("pg_dump") or "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={to / DUMP}",
                ],
                env=_libpq_environment(params),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            counts = _table_counts(cursor)
            files = _stored_files(cursor)
    finally:
        snapshot_connection.close()

    entries, missing, altered = [], [], []
    for done, (name, recorded_size, recorded_sha) in enumerate(files, start=1):
        target = to / FILES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            try:
                measured = measure(storage, name, sink=out.write)
            except FileNotFoundError:
                missing.append(name)
                out.close()
                target.unlink()
                continue
        if recorded_sha and (measured.size, measured.sha256) != (recorded_size, recorded_sha):
            altered.append(name)
        entries.append({"name": name, "size": measured.size, "sha256": measured.sha256})
        if progress is not None:
            progress(done, len(files))

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {
            "path": DUMP,
            "size": (to / DUMP).stat().st_size,
            "sha256": _sha256_of(to / DUMP),
        },
        "counts": counts,
        "files": entries,
        "missing": missing,
        "altered": altered,
    }
    (to / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return BackupResult(manifest=manifest, missing=missing, altered=altered)


def _editions_in(params: dict) -> list[int]:
    with _connect(params) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.submissions_edition')")
        if cursor.fetchone()[0] is None:
            return []
        cursor.execute("SELECT year FROM submissions_edition ORDER BY year")
        years = [year for (year,) in cursor.fetchall()]
    conn.close()
    return years


def verify_backup(source: Path) -> dict:
    """The manifest, after checking every file of the backup against it."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} holds no readable {MANIFEST}: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if _sha256_of(source / DUMP) != manifest["database"]["sha256"]:
        raise BackupError(f"The database dump differs from the manifest: {source / DUMP}")
    for entry in manifest["files"]:
        path = source / FILES / entry["name"]
        if not path.is_file() or _sha256_of(path) != entry["sha256"]:
            raise BackupError(f"The backup's copy of {entry['name']} is missing or damaged.")
    return manifest


def restore(*, source: Path, storage=None, progress=None) -> dict:
    """Restore a verified backup into an empty database and store."""
    storage = storage if storage is not None else default_storage
    params = _database()
    source = Path(source)
    manifest = verify_backup(source)
    years = _editions_in(params)
    if years:
        raise BackupError(
            "The database already holds the edition(s) "
            f"{', '.join(map(str, years))}; restore only into a fresh database."
        )

    for done, entry in enumerate(manifest["files"], start=1):
        name = entry["name"]
        try:
            there = measure(storage, name)
        except FileNotFoundError:
            there = None
        if there is not None:
            if there.sha256 != entry["sha256"]:
                raise BackupError(
                    f"The store already holds a different file named {name}; "
                    "restore into an empty store."
                )
        else:
            with open(source / FILES / name, "rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"The store saved {name} as {saved}.")
        if progress is not None:
            progress(done, len(manifest["files"]))

    # Django's own connection may have opened the (empty) database; it holds no lock on it.
    connection.close()
    result = subprocess.run(  # noqa: S603  # nosec B603  # fixed arguments, no shell
        [
            shutil.which("pg_restore") or "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={params['NAME']}",
            str(source / DUMP),
        ],
        env=_libpq_environment(params),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    return manifest
