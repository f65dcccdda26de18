"""The edition archive: built by a Celery task into the store, downloaded by organisers after
their second factor, audited, expired; the organisers' page in both languages."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from archives import services
from archives.models import EditionArchive
from core.models import AuditEvent
from tests.accounts.conftest import totp_code
from tests.factories import (
    AttachmentFactory,
    EditionFactory,
    NominationFactory,
    OrganisationFactory,
    UserFactory,
)

PDF = b"%PDF-1.4 technical report\n%%EOF\n"


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def secret():
    return generate_totp_secret()


@pytest.fixture
def organiser(db, secret):
    user = UserFactory(roles=["organiser"], preferred_language="zh-hans")
    TOTP.activate(user, secret)
    return user


@pytest.fixture
def edition(db):
    edition = EditionFactory(year=2031)
    nomination = NominationFactory(edition=edition, code="2031-CE-001", title_zh="固态电池")
    AttachmentFactory(
        nomination=nomination,
        file=ContentFile(PDF, name="report.pdf"),
        original_name="技术报告.pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    return edition


def build(client, edition, django_capture_on_commit_callbacks) -> EditionArchive:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("archives:archive_request"), {"year": edition.year})
    return EditionArchive.objects.get(edition=edition)


def confirm_second_factor(client, secret):
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content


def test_an_organiser_builds_the_archive_into_the_store(
    client, organiser, s3_server, s3_bucket, edition, django_capture_on_commit_callbacks
):
    client.force_login(organiser)

    archive = build(client, edition, django_capture_on_commit_callbacks)

    assert (archive.state, archive.done, archive.total) == ("ready", 8, 8)
    assert archive.file.name in s3_server.keys(s3_bucket)
    assert archive.file.name.startswith("archives/")
    data = s3_server.client().get_object(Bucket=s3_bucket, Key=archive.file.name)["Body"].read()
    assert (archive.size, archive.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert archive.expires_at - timezone.now() > timedelta(days=6, hours=23)
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        material = [name for name in zipped.namelist() if name.startswith("materials/")]
        assert material == [f"materials/2031-CE-001/technical_report-v1-{_pk()}-技术报告.pdf"]
        assert zipped.read(material[0]) == PDF
        for name, entry in manifest.items():
            assert hashlib.sha256(zipped.read(name)).hexdigest() == entry["sha256"]
        assert sorted(manifest) == sorted(set(zipped.namelist()) - {"manifest.json", "SHA256SUMS"})
        index = zipped.read("index.html").decode()
        nominations = json.loads(zipped.read("nominations.json"))
    assert "2031 年度评选档案" in index
    assert "Archive of the 2031 edition" in index
    assert [n["code"] for n in nominations] == ["2031-CE-001"]
    assert nominations[0]["materials"][0]["path"] == material[0]
    assert list(
        AuditEvent.objects.filter(object_id=str(archive.pk)).values_list("action", flat=True)
    ) == ["archive.built", "archive.requested"]


def _pk():
    from submissions.models import Attachment

    return Attachment.objects.get().pk


def test_the_download_asks_for_the_second_factor_first(
    client, organiser, s3_bucket, edition, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    archive = build(client, edition, django_capture_on_commit_callbacks)

    response = client.get(url("archives:archive_download", pk=archive.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=")
    assert s3_bucket not in response["Location"]
    assert not AuditEvent.objects.filter(action="archive.downloaded").exists()


def test_after_the_second_factor_the_download_is_a_signed_url_and_is_audited(
    client, organiser, secret, s3_bucket, edition, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    archive = build(client, edition, django_capture_on_commit_callbacks)
    confirm_second_factor(client, secret)

    response = client.get(url("archives:archive_download", pk=archive.pk))

    assert response.status_code == 302
    signed = parse_qs(urlsplit(response["Location"]).query)
    assert signed["response-content-disposition"] == [
        'attachment; filename="wnevc-2031-archive.zip"'
    ]
    assert signed["response-content-type"] == ["application/zip"]
    event = AuditEvent.objects.get(action="archive.downloaded")
    assert (event.actor, event.object_id) == (organiser, str(archive.pk))


def test_an_expired_archive_is_deleted_and_no_longer_downloads(
    client, organiser, secret, edition, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    archive = build(client, edition, django_capture_on_commit_callbacks)
    name = archive.file.name

    with time_machine.travel(archive.expires_at + timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.expire_archives() == 1
        confirm_second_factor(client, secret)
        response = client.get(url("archives:archive_download", pk=archive.pk))

    archive.refresh_from_db()
    assert (archive.state, archive.file.name) == ("expired", "")
    assert not default_storage.exists(name)
    assert response.status_code == 404


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_unreachable_store_fails_the_build_and_the_page_says_so(
    client, organiser, edition, s3_server, settings, language, django_capture_on_commit_callbacks
):
    from tests.faults.processes import free_port

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storages(
            "wnevc-files", endpoint_url=f"http://127.0.0.1:{free_port()}"
        ),
    }
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("archives:archive_request", language), {"year": edition.year})

    page = client.get(url("archives:archive_list", language)).content.decode()

    archive = EditionArchive.objects.get()
    assert (archive.state, archive.file.name, archive.sha256) == ("failed", "", "")
    message = {
        "en": "The file store could not be reached; build the archive again.",
        "zh-hans": "无法连接文件存储，请重新生成档案。",
    }[language]
    assert message in page


def test_a_second_build_while_one_runs_is_refused_with_a_message(client, organiser, edition):
    client.force_login(organiser)
    EditionArchive.objects.create(edition=edition, requested_by=organiser)

    response = client.post(
        url("archives:archive_request", "zh-hans"), {"year": edition.year}, follow=True
    )

    assert EditionArchive.objects.count() == 1
    assert "该届次的档案正在生成，请等待其完成。" in response.content.decode()


@pytest.mark.parametrize("persona", ["nominator", "expert"])
def test_only_organisers_see_the_page(client, edition, persona):
    user = (
        UserFactory(organisation=OrganisationFactory())
        if persona == "nominator"
        else UserFactory(roles=["expert"])
    )
    if persona == "expert":
        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)

    assert client.get(url("archives:archive_list")).status_code == 404
    assert client.post(url("archives:archive_request"), {"year": 2031}).status_code == 404
    assert EditionArchive.objects.count() == 0


def test_the_page_reads_in_both_languages(client, organiser, edition):
    EditionArchive.objects.create(edition=edition, requested_by=organiser, done=3, total=9)
    client.force_login(organiser)

    chinese = client.get(url("archives:archive_list", "zh-hans")).content.decode()
    english = client.get(url("archives:archive_list", "en")).content.decode()

    assert "各届评选档案" in chinese and "3 / 9 项" in chinese
    assert "Edition archives" in english and "3 of 9 entries" in english


def test_the_list_page_query_count_does_not_grow_with_archives(client, organiser, edition):
    client.force_login(organiser)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("archives:archive_list")).status_code == 200
        return len(captured)

    EditionArchive.objects.create(edition=edition, requested_by=organiser, state="failed")
    one = queries()
    for _ in range(2):
        EditionArchive.objects.create(
            edition=EditionFactory(), requested_by=UserFactory(), state="failed"
        )
    assert queries() == one
