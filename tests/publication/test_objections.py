"""Filing an objection on the public notice: a valid one, the honeypot, the minimum fill time,
the per-IP rate limit, a bad file; and the objector's receipt in the page's language."""

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from publication.forms import RATE_LIMIT, started_token
from tests.voting.conftest import url
from tests.voting.publication_fixtures import *  # noqa: F403
from voting.models import Objection

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "Evidence")
    page.save()
    return buffer.getvalue()


PDF = _pdf()


def form_data(**overrides):
    data = {
        "nomination": "2031-CE-002",
        "name": "张三",
        "organisation": "某某研究院",
        "email": "zhang@example.org",
        "phone": "010-12345678",
        "reason": "该技术的核心专利存在权属争议。",
        "website": "",
        # Shown a minute ago: a person's pace.
        "started": started_token(timezone.now() - timedelta(minutes=1)),
    }
    return {**data, **overrides}


def post(client, language="zh-hans", **overrides):
    return client.post(url("publication:objection", language), form_data(**overrides))


def test_valid_objection_is_recorded_confirmed_and_acknowledged_in_the_page_language(
    client, notice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "zh-hans")

    objection = Objection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("publication:objection_received", "zh-hans")
    assert (objection.nomination.code, objection.name, objection.email, objection.language) == (
        "2031-CE-002",
        "张三",
        "zhang@example.org",
        "zh-hans",
    )
    page = client.get(response["Location"]).content.decode()
    assert "异议已受理" in page and objection.reference in page
    (receipt,) = mail.outbox
    assert receipt.to == ["zhang@example.org"]
    assert receipt.subject == f"世界新能源汽车大会技术评选公示：已受理异议 {objection.reference}"
    assert objection.reference in receipt.body


def test_english_page_sends_the_receipt_in_english(
    client, notice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "en", name="Jane Doe", reason="The results were copied.")

    (receipt,) = mail.outbox
    assert receipt.subject.startswith("WNEVC public notice: objection OBJ-")
    assert "We have received your objection" in receipt.body


def test_receipt_task_run_twice_sends_one_receipt(
    client, notice, django_capture_on_commit_callbacks
):
    from publication.tasks import send_objection_receipt

    with django_capture_on_commit_callbacks(execute=True):
        post(client)

    assert send_objection_receipt.run(Objection.objects.get().pk) == 0
    assert len(mail.outbox) == 1


def test_honeypot_filled_is_refused_clearly_and_nothing_is_recorded(client, notice):
    response = post(client, "en", website="http://spam.example")

    assert response.status_code == 400
    assert "Objection not accepted" in response.content.decode()
    assert "has not been recorded" in response.content.decode()
    assert Objection.objects.count() == 0


def test_too_fast_is_refused_with_a_message_and_the_text_is_kept(client, notice):
    response = post(client, "en", started=started_token(timezone.now()))

    page = response.content.decode()
    assert response.status_code == 200
    assert "faster than a person can fill it in" in page
    assert "该技术的核心专利存在权属争议。" in page  # the reason typed is still there
    assert 'value="zhang@example.org"' in page
    assert Objection.objects.count() == 0


def test_a_forged_start_time_is_refused(client, notice):
    response = post(client, "en", started="1700000000.0:forged")

    assert "could not be checked" in response.content.decode()
    assert Objection.objects.count() == 0


def test_rate_limit_answers_429_with_a_translated_message(client, notice):
    for _ in range(RATE_LIMIT):
        assert post(client).status_code == 302

    response = post(client, "zh-hans")

    assert response.status_code == 429
    assert "该网络提交的异议过多" in response.content.decode()
    assert Objection.objects.count() == RATE_LIMIT


def test_bad_file_gets_a_message_and_the_text_is_kept(client, notice):
    data = form_data(file=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00binary", "application/pdf"))

    response = client.post(url("publication:objection", "en"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "a Windows program" in page
    assert "该技术的核心专利存在权属争议。" in page
    assert Objection.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "data", "message"),
    [
        (
            "en",
            PDF + b"PK\x03\x04\x14\x00 an archive after the document",
            "“evidence.pdf” has other data after the end of the PDF, which is not accepted. "
            "Please save or export it again as a plain PDF.",
        ),
        (
            "zh-hans",
            b"<html><body><script>alert(1)</script></body></html>" + PDF,
            "“evidence.pdf”实际上是网页或 XML 文件，与文件名无关。",
        ),
    ],
    ids=["pdf-then-zip", "script-page-then-pdf"],
)
def test_a_file_that_is_more_than_a_pdf_is_refused_and_the_text_is_kept(
    client, notice, language, data, message
):
    data = form_data(file=SimpleUploadedFile("evidence.pdf", data, "application/pdf"))

    response = client.post(url("publication:objection", language), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "该技术的核心专利存在权属争议。" in page
    assert Objection.objects.count() == 0


def test_a_pdf_is_kept_and_only_organisers_download_it(client, notice, organiser):
    data = form_data(file=SimpleUploadedFile("证据.pdf", PDF, "application/pdf"))
    client.post(url("publication:objection", "en"), data)
    objection = Objection.objects.get()
    file_url = url("publication:objection_file", "en", pk=objection.pk)

    anonymous = client.get(file_url)
    client.force_login(organiser)
    download = client.get(file_url)

    assert anonymous.status_code == 302  # to sign in
    assert objection.file_name == "证据.pdf"
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_the_files_size_and_sha256_are_recorded_for_the_storage_scrub(client, notice):
    data = form_data(file=SimpleUploadedFile("证据.pdf", PDF, "application/pdf"))

    client.post(url("publication:objection", "en"), data)

    objection = Objection.objects.get()
    assert (objection.file_size, objection.file_sha256) == (
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    with objection.file.open("rb") as stored:
        assert stored.read() == PDF


def test_with_object_storage_organisers_get_a_signed_url_and_others_none(
    client, notice, organiser, s3_bucket
):
    data = form_data(file=SimpleUploadedFile("证据.pdf", PDF, "application/pdf"))
    client.post(url("publication:objection", "en"), data)
    objection = Objection.objects.get()
    file_url = url("publication:objection_file", "en", pk=objection.pk)

    anonymous = client.get(file_url)
    client.force_login(organiser)
    download = client.get(file_url)

    assert s3_bucket not in anonymous["Location"]
    assert download.status_code == 302
    signed = parse_qs(urlsplit(download["Location"]).query)
    assert signed["response-content-disposition"] == [
        "attachment; filename*=utf-8''%E8%AF%81%E6%8D%AE.pdf"
    ]
    assert urlsplit(download["Location"]).path == f"/{s3_bucket}/{objection.file.name}"


def test_an_unreachable_store_keeps_the_objection_unfiled_and_the_text_kept(
    client, notice, s3_server, settings
):
    from tests.faults.processes import free_port

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_server.storages(
            "wnevc-files", endpoint_url=f"http://127.0.0.1:{free_port()}"
        ),
    }
    data = form_data(file=SimpleUploadedFile("证据.pdf", PDF, "application/pdf"))

    response = client.post(url("publication:objection", "zh-hans"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "文件暂时无法存储，异议未提交。请几分钟后重试。" in page
    assert "该技术的核心专利存在权属争议。" in page
    assert Objection.objects.count() == 0


def test_no_form_outside_the_notice(client, notice_over):
    response = client.get(url("publication:objection", "en"))

    assert response.status_code == 302
    assert response["Location"] == url("publication:notice", "en")


def test_no_objection_after_the_notice_closes(client, notice):
    with time_machine.travel(notice.notice_closes_at + timedelta(minutes=1)):
        response = post(client)

    assert response.status_code == 302
    assert Objection.objects.count() == 0
