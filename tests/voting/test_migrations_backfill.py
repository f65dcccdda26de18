"""voting/0007 records the size and SHA-256 of objection files stored before it, read from the
store; a file already missing keeps them empty (check_storage reports it)."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import EditionFactory
from voting.models import Objection

BEFORE = [("voting", "0006_objections_bind_publication_trigger")]
AFTER = [("voting", "0007_objection_file_size_sha256")]


@pytest.mark.django_db(transaction=True)
def test_the_backfill_hashes_the_stored_objection_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    edition = EditionFactory(year=2031)
    data = b"%PDF-1.4 evidence\n%%EOF\n"
    stored = default_storage.save("objections/evidence.pdf", ContentFile(data))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("voting", "Objection")
    common = {"edition_id": edition.pk, "name": "甲", "email": "a@example.com", "reason": "理由"}
    kept = old.objects.create(reference="OBJ-AAAA-0001", file=stored, **common)
    lost = old.objects.create(reference="OBJ-AAAA-0002", file="objections/gone.pdf", **common)
    none = old.objects.create(reference="OBJ-AAAA-0003", file="", **common)

    MigrationExecutor(connection).migrate(AFTER)
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    rows = {
        row.pk: (row.file_size, row.file_sha256)
        for row in Objection.objects.filter(pk__in=[kept.pk, lost.pk, none.pk])
    }
    assert rows == {
        kept.pk: (len(data), hashlib.sha256(data).hexdigest()),
        lost.pk: (None, ""),
        none.pk: (None, ""),
    }
