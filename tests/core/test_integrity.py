"""The storage scrub (core/integrity.py), `manage.py check_storage` and the weekly task, on the
file system and on the S3 server over HTTP (tests/s3server.py)."""

import hashlib
import io
import json
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command

from core.integrity import scrub_storage
from core.models import OutboundEmail
from core.storage import measure
from submissions.tasks import check_storage_weekly
from tests.factories import AttachmentFactory, EditionFactory, NominationFactory, UserFactory
from voting.models import Objection

MB = 1024 * 1024


@pytest.fixture(params=["file-system", "s3"])
def store(request, settings, tmp_path):
    """The default storage for the test: a temporary folder, or a fresh bucket over HTTP."""
    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        settings.STORAGES = {**settings.STORAGES, "default": server.storages(server.new_bucket())}
    else:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": tmp_path / "media"},
            },
        }
    return request.param


def attachment(nomination, data: bytes):
    return AttachmentFactory(
        nomination=nomination,
        file=ContentFile(data, name="report.pdf"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def objection(edition, data: bytes):
    row = Objection(edition=edition, name="甲", email="a@example.com", reason="理由")
    row.file.save("evidence.pdf", ContentFile(data), save=False)
    row.file_size, row.file_sha256 = len(data), hashlib.sha256(data).hexdigest()
    row.save()
    return row


@pytest.fixture
def files(db, store):
    """Two editions' files: three attachments of 2031, one of 2032, an objection of 2031."""
    edition = EditionFactory(year=2031)
    nomination = NominationFactory(edition=edition)
    later = NominationFactory(edition=EditionFactory(year=2032))
    return {
        "kept": attachment(nomination, b"%PDF-1.4 kept\n%%EOF\n"),
        "deleted": attachment(nomination, b"%PDF-1.4 deleted\n%%EOF\n"),
        "altered": attachment(nomination, b"%PDF-1.4 altered\n%%EOF\n"),
        "later": attachment(later, b"%PDF-1.4 2032\n%%EOF\n"),
        "objection": objection(edition, b"%PDF-1.4 objection\n%%EOF\n"),
    }


def behind_the_portals_back(files):
    default_storage.delete(files["deleted"].file.name)
    name = files["altered"].file.name
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(b"%PDF-1.4 ALTERED\n%%EOF\n")) == name
    default_storage.save("nominations/stray/orphan.pdf", ContentFile(b"orphan"))


def run_check(*args) -> tuple[int, list[str], dict]:
    out = io.StringIO()
    try:
        call_command("check_storage", *args, "--quiet", stdout=out)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    lines = out.getvalue().strip().splitlines()
    return status, lines, json.loads(lines[-1])


def test_an_intact_store_checks_clean(files):
    status, lines, report = run_check()

    assert status == 0
    assert (report["ok"], report["checked"], report["missing"], report["altered"]) == (
        True,
        5,
        [],
        [],
    )
    assert (report["orphaned"], report["unrecorded"]) == ([], [])
    assert lines[-2] == "Nothing is lost."


def test_files_deleted_or_altered_behind_the_portals_back_are_found(files):
    behind_the_portals_back(files)

    status, lines, report = run_check()

    deleted, altered = files["deleted"], files["altered"]
    assert status == 1
    assert report["missing"] == [
        {"model": "submissions.Attachment", "pk": deleted.pk, "name": deleted.file.name}
    ]
    assert report["altered"] == [
        {
            "model": "submissions.Attachment",
            "pk": altered.pk,
            "name": altered.file.name,
            "expected": {"size": altered.size, "sha256": altered.sha256},
            "found": {
                "size": len(b"%PDF-1.4 ALTERED\n%%EOF\n"),
                "sha256": hashlib.sha256(b"%PDF-1.4 ALTERED\n%%EOF\n").hexdigest(),
            },
        }
    ]
    assert report["orphaned"] == ["nominations/stray/orphan.pdf"]
    assert (report["checked"], report["ok"]) == (5, False)
    assert f"  MISSING submissions.Attachment #{deleted.pk}: {deleted.file.name}" in lines
    assert lines[-2] == "2 file(s) LOST."


def test_with_a_year_only_that_editions_files_are_checked(files):
    default_storage.delete(files["later"].file.name)

    status, _, report = run_check("--year", "2031")

    assert (status, report["checked"], report["missing"], report["year"]) == (0, 4, [], 2031)


def test_a_row_without_a_recorded_hash_is_reported_not_lost(files):
    Objection.objects.filter(pk=files["objection"].pk).update(file_sha256="", file_size=None)

    status, _, report = run_check()

    assert status == 0
    assert report["unrecorded"] == [
        {
            "model": "voting.Objection",
            "pk": files["objection"].pk,
            "name": files["objection"].file.name,
        }
    ]


def test_an_unreachable_store_exits_2_with_a_message(db, settings, s3_server):
    from tests.faults.processes import free_port

    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storages(bucket)}
    attachment(NominationFactory(), b"%PDF-1.4\n%%EOF\n")
    dead = s3_server.storages(bucket, endpoint_url=f"http://127.0.0.1:{free_port()}")
    settings.STORAGES = {**settings.STORAGES, "default": dead}
    err = io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("check_storage", "--quiet", stdout=io.StringIO(), stderr=err)

    assert exit_.value.code == 2
    assert err.getvalue().startswith("The file store cannot be reached:")


def test_a_large_file_is_read_in_flat_memory(tmp_path):
    path = tmp_path / "big.bin"
    with open(path, "wb") as out:
        out.truncate(64 * MB)  # sparse: 64 MB of zeros without writing them
    storage = FileSystemStorage(location=tmp_path)

    tracemalloc.start()
    measured = measure(storage, "big.bin")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert measured.size == 64 * MB
    assert measured.sha256 == hashlib.sha256(bytes(64 * MB)).hexdigest()
    assert peak < 4 * MB


def test_the_weekly_task_tells_each_organiser_in_their_language(files):
    UserFactory(roles=["organiser"], email="zh@example.com", preferred_language="zh-hans")
    UserFactory(roles=["organiser"], email="en@example.com", preferred_language="en")
    UserFactory(email="nominator@example.com")
    behind_the_portals_back(files)

    report = check_storage_weekly()

    assert (report["ok"], len(report["missing"]), len(report["altered"])) == (False, 1, 1)
    mails = {mail.to[0]: mail for mail in OutboundEmail.objects.filter(template="storage_check")}
    assert sorted(mails) == ["en@example.com", "zh@example.com"]
    assert mails["en@example.com"].subject == ("WNEVC storage check: files are missing or altered")
    assert "Missing: 1" in mails["en@example.com"].text
    assert files["deleted"].file.name in mails["en@example.com"].text
    assert (
        mails["zh@example.com"].subject == "世界新能源汽车大会评选平台存储检查：有文件缺失或被改动"
    )
    assert "缺失：1" in mails["zh@example.com"].text


def test_the_scrub_reports_progress(files):
    seen = []

    scrub_storage(progress=lambda done, total, read: seen.append((done, total)))

    assert seen[-1] == (5, 5)


def test_a_held_objection_file_is_checked_but_belongs_to_no_edition(files):
    from datetime import timedelta

    from django.utils import timezone

    from publication.models import HeldUpload

    data = b"%PDF-1.4 held\n%%EOF\n"
    held = HeldUpload(
        token="a-held-token",
        file_name="证据.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    held.file.save(held.token, ContentFile(data), save=False)
    held.save()
    default_storage.delete(held.file.name)
    assert default_storage.save(held.file.name, ContentFile(b"changed")) == held.file.name
    default_storage.save("held-uploads/stray", ContentFile(b"orphan"))

    _status, _, whole = run_check()
    _status, _, of_2031 = run_check("--year", "2031")

    assert [(f["model"], f["pk"]) for f in whole["altered"]] == [
        ("publication.HeldUpload", held.pk)
    ]
    assert whole["orphaned"] == ["held-uploads/stray"]
    assert (whole["checked"], of_2031["checked"], of_2031["altered"]) == (6, 4, [])
