"""The backup drill (core/backup.py, backup_portal, restore_portal) on PostgreSQL with the S3
server over HTTP: a published demo edition is backed up while a file is uploaded in between,
restored into a fresh database and a fresh bucket, and then every table's count matches the
snapshot, check_storage is clean and verify_bulletin agrees. A restore into a database that
already holds an edition is refused."""

import json
import uuid
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from core.backup import _connect, _table_counts, back_up
from submissions.models import Attachment, Nomination
from tests.django_subprocess import run
from tests.factories import AttachmentFactory

YEAR = 2031


@pytest.fixture
def fresh_database(db):
    """An empty database on the same server, dropped afterwards."""
    from tests.faults.processes import shared_database_url

    base = shared_database_url()
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = _connect({**connection.settings_dict, "NAME": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name, base.rsplit("/", 1)[0] + "/" + name
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def counts_of(database: str) -> dict[str, int]:
    conn = _connect({**connection.settings_dict, "NAME": database})
    try:
        with conn.cursor() as cursor:
            return _table_counts(cursor)
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_the_backup_drill_restores_everything_into_a_fresh_database_and_store(
    s3_server, s3_bucket, fresh_database, tmp_path
):
    call_command(
        "seed_demo",
        "--year",
        str(YEAR),
        "--stage",
        "published",
        "--nominations",
        "12",
        "--experts",
        "9",
        stdout=StringIO(),
    )
    from publication.models import PublicDocument

    before = sorted(
        [
            *Attachment.objects.exclude(file="").values_list("file", flat=True),
            # The published edition's results book and certificates, stored at publication.
            *PublicDocument.objects.values_list("file", flat=True),
        ]
    )
    assert before  # the demo keeps materials in the bucket
    assert PublicDocument.objects.filter(kind="results-book").count() == 1
    added = []

    def upload_in_between(done, total):
        # A file uploaded while the backup copies files: after the snapshot, so neither its
        # row nor its file belongs in this backup.
        if not added:
            added.append(
                AttachmentFactory(
                    nomination=Nomination.objects.first(),
                    kind="evidence",
                    file=ContentFile(b"%PDF-1.4 later\n%%EOF\n", name="later.pdf"),
                )
            )

    result = back_up(to=tmp_path / "backup", progress=upload_in_between)

    assert result.ok
    manifest = result.manifest
    assert [entry["name"] for entry in manifest["files"]] == before
    source_now = counts_of(connection.settings_dict["NAME"])
    assert manifest["counts"]["submissions_attachment"] == (
        source_now["submissions_attachment"] - 1
    )

    # Restore into the fresh database and a fresh bucket, as a new server would.
    database, database_url = fresh_database
    bucket = s3_server.new_bucket()
    variables = s3_server.environment(bucket, DATABASE_URL=database_url)
    restored = run(["manage.py", "restore_portal", "--from", str(tmp_path / "backup")], **variables)
    assert restored.returncode == 0, restored.stderr

    assert counts_of(database) == manifest["counts"]
    assert s3_server.keys(bucket) == before
    check = run(["manage.py", "check_storage", "--quiet"], **variables)
    assert check.returncode == 0, check.stdout + check.stderr
    assert json.loads(check.stdout.strip().splitlines()[-1])["checked"] == len(before)
    verify = run(["manage.py", "verify_bulletin", "--year", str(YEAR)], **variables)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    # A second restore into the now populated database is refused, and changes nothing.
    again = run(["manage.py", "restore_portal", "--from", str(tmp_path / "backup")], **variables)
    assert again.returncode != 0
    assert f"The database already holds the edition(s) {YEAR}" in again.stderr
    assert counts_of(database) == manifest["counts"]


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_written(
    s3_server, s3_bucket, fresh_database, tmp_path
):
    AttachmentFactory(file=ContentFile(b"%PDF-1.4 one\n%%EOF\n", name="one.pdf"))
    result = back_up(to=tmp_path / "backup")
    copy = tmp_path / "backup" / "files" / result.manifest["files"][0]["name"]
    copy.write_bytes(b"%PDF-1.4 tampered\n%%EOF\n")
    database, database_url = fresh_database
    bucket = s3_server.new_bucket()

    restored = run(
        ["manage.py", "restore_portal", "--from", str(tmp_path / "backup")],
        **s3_server.environment(bucket, DATABASE_URL=database_url),
    )

    assert restored.returncode != 0
    assert "is missing or damaged" in restored.stderr
    assert s3_server.keys(bucket) == []
    assert counts_of(database) == {}


def test_backup_needs_postgresql_or_says_so(tmp_path):
    # With nothing set the portal runs on SQLite, which pg_dump cannot back up.
    result = run(["manage.py", "backup_portal", "--to", str(tmp_path / "backup")])

    assert result.returncode == 1
    assert "Backup and restore need PostgreSQL (set DATABASE_URL)." in result.stderr
    assert not (tmp_path / "backup").exists()
