"""Fault: the file store fails while a nominator uploads material.

The nominator gets a clear message in their language; no attachment row, no audit event and
no file are left behind; the nomination is unchanged and its page still shows every text.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import override_settings

from core.models import AuditEvent
from submissions.models import Attachment, Nomination
from tests.faults.processes import FAULTS_ONE_AT_A_TIME, free_port
from tests.htmlparse import find_all, find_one
from tests.submissions import samples
from tests.submissions.conftest import url

pytestmark = [pytest.mark.faults, FAULTS_ONE_AT_A_TIME]

FAILING_STORES = [
    {"BACKEND": "tests.faults.storages.FullDiskStorage"},
    {"BACKEND": "tests.faults.storages.UnreachableObjectStorage"},
    # The real S3 backend over HTTP, pointed at a port where no store listens any more.
    "s3-unreachable",
]


def _s3_nobody_listens() -> dict:
    from botocore.config import Config

    from tests.s3server import S3Server

    server = S3Server.__new__(S3Server)
    server.port = free_port()
    return server.storages(
        "wnevc-files",
        client_config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=1,
            retries={"max_attempts": 2},
        ),
    )


MESSAGES = {
    "en": (
        "“Report.pdf” could not be stored just now, so nothing was changed. "
        "Please try again in a few minutes."
    ),
    "zh-hans": "文件“Report.pdf”暂时无法存储，申报内容未作任何更改。请几分钟后重试。",
}


@pytest.fixture(params=FAILING_STORES)
def failing_storage(request, settings, tmp_path):
    store = _s3_nobody_listens() if request.param == "s3-unreachable" else request.param
    stores = {**settings.STORAGES, "default": store}
    with override_settings(STORAGES=stores, MEDIA_ROOT=tmp_path / "media"):
        yield tmp_path / "media"


def snapshot(nomination: Nomination) -> dict:
    nomination.refresh_from_db()
    return {**model_to_dict(nomination), "updated_at": nomination.updated_at}


def post_upload(client, nomination, *, language, json_wanted, next_url=None):
    headers = {"Accept": "application/json"} if json_wanted else {}
    data = {"file": SimpleUploadedFile("Report.pdf", samples.pdf_bytes(), "application/pdf")}
    if next_url:
        data["next"] = next_url
    return client.post(
        url(
            "submissions:attachment_upload", language, code=nomination.code, kind="technical_report"
        ),
        data,
        headers=headers,
        follow=not json_wanted,
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_upload_the_store_refuses_is_answered_clearly_and_leaves_nothing(
    client, nomination, nominator, failing_storage, language
):
    client.force_login(nominator)
    before = snapshot(nomination)

    response = post_upload(client, nomination, language=language, json_wanted=True)

    assert response.status_code == 503
    assert response.json() == {"ok": False, "kind": "technical_report", "error": MESSAGES[language]}
    assert list(Attachment.objects.filter(nomination=nomination)) == []
    assert not AuditEvent.objects.filter(action="attachment.uploaded").exists()
    assert snapshot(nomination) == before
    assert not failing_storage.exists() or not any(p.is_file() for p in failing_storage.rglob("*"))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_without_javascript_the_form_comes_back_with_the_message_and_every_text(
    client, nomination, nominator, failing_storage, language
):
    client.force_login(nominator)
    edit_url = url("submissions:nomination_edit", language, code=nomination.code)
    before = snapshot(nomination)

    response = post_upload(
        client, nomination, language=language, json_wanted=False, next_url=edit_url
    )

    assert response.redirect_chain == [(f"{edit_url}#attachments", 302)]
    alerts = [alert.text for alert in find_all(response, "div", role="alert") if alert.text]
    assert alerts == [MESSAGES[language]]
    assert find_one(response, "input", name="title_zh").attrs["value"] == nomination.title_zh
    assert find_one(response, "input", name="title_en").attrs["value"] == nomination.title_en
    assert nomination.summary_en in response.content.decode()
    assert snapshot(nomination) == before
    assert list(Attachment.objects.filter(nomination=nomination)) == []


# --- downloads while the object store cannot be reached ----------------------------------------

DOWNLOAD_MESSAGES = {
    "en": "The file store cannot be reached at the moment; nothing is lost.",
    "zh-hans": "暂时无法连接文件存储，文件不会因此丢失。",
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_download_while_the_store_is_unreachable_says_so_and_gives_no_url(
    client, nomination, nominator, s3_server, settings, language
):
    from django.core.files.base import ContentFile

    from tests.factories import AttachmentFactory

    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storages(bucket)}
    attachment = AttachmentFactory(
        nomination=nomination, file=ContentFile(samples.pdf_bytes(), name="r.pdf")
    )
    settings.STORAGES = {**settings.STORAGES, "default": _s3_nobody_listens()}
    client.force_login(nominator)

    response = client.get(
        url("submissions:attachment_download", language, code=nomination.code, pk=attachment.pk)
    )

    assert response.status_code == 503
    assert "Location" not in response
    assert DOWNLOAD_MESSAGES[language] in response.content.decode()
    assert bucket not in response.content.decode()
