"""Filing an objection on the public notice: a valid one, the honeypot (which autofill does not
reach), no refusal for speed, the per-IP rate limit, a bad file, a file held across a refused
attempt; and the objector's receipt in the page's language."""

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
        "nectar": "",
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
    response = post(client, "en", nectar="http://spam.example")

    page = response.content.decode()
    assert response.status_code == 400
    assert "a field that must stay empty was filled in" in page
    assert "该技术的核心专利存在权属争议。" in page  # the text is kept
    assert "spam.example" not in page  # the honeypot comes back empty
    assert Objection.objects.count() == 0


def test_honeypot_refusal_is_in_chinese_on_the_chinese_page(client, notice):
    response = post(client, "zh-hans", nectar="x")

    assert "一个应当留空的字段被填写了" in response.content.decode()
    assert Objection.objects.count() == 0


def test_the_honeypot_is_out_of_autofills_reach(client, notice):
    """What autofill and password managers go by: the name, autocomplete, the ignore attributes,
    focus order, visibility (by a class: the CSP forbids inline styles)."""
    page = client.get(url("publication:objection", "en")).content.decode()

    (field,) = [line for line in page.splitlines() if 'name="nectar"' in line]
    for attribute in (
        'autocomplete="off"',
        'tabindex="-1"',
        'data-lpignore="true"',
        'data-1p-ignore="true"',
        'data-bwignore="true"',
        'class="objection-nectar" aria-hidden="true"',
    ):
        assert attribute in field, attribute
    assert "style=" not in field
    for autofilled in ("name", "email", "tel", "organization"):
        assert f'autocomplete="{autofilled}"' in page


def test_an_autofilled_form_is_accepted(client, notice):
    # Autofill fills what it recognises (name, organisation, e-mail, phone), in one go.
    response = post(
        client,
        "en",
        name="Zhang San",
        organisation="Example Institute",
        email="zhang.san@example.org",
        phone="+86 10 1234 5678",
    )

    assert response.status_code == 302
    assert Objection.objects.get().email == "zhang.san@example.org"


def test_a_form_sent_back_at_once_is_accepted_and_its_pace_recorded(client, notice):
    from core.models import AuditEvent

    response = post(client, "en", started=started_token(timezone.now()))

    assert response.status_code == 302
    assert Objection.objects.get().reason == "该技术的核心专利存在权属争议。"
    event = AuditEvent.objects.get(action="voting.objection_filed")
    assert 0 <= event.details["fill_seconds"] < 5


@pytest.mark.parametrize("started", ["", "1700000000.0:forged"], ids=["missing", "forged"])
def test_a_missing_or_forged_start_time_refuses_nobody(client, notice, started):
    from core.models import AuditEvent

    response = post(client, "en", started=started)

    assert response.status_code == 302
    assert Objection.objects.count() == 1
    assert AuditEvent.objects.get(action="voting.objection_filed").details["fill_seconds"] is None


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


# --- A file held across a refused attempt (publication/held_uploads.py) -------------------------


def held_token(page: str) -> str:
    marker = 'name="held_file" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def refused_with_file(client, language="en", **overrides):
    """A first attempt with a PDF attached and the reason missing: refused, the file held."""
    data = form_data(
        **{"reason": "", **overrides}, file=SimpleUploadedFile("证据.pdf", PDF, "application/pdf")
    )
    response = client.post(url("publication:objection", language), data)
    assert response.status_code in (200, 400)
    return response


def test_after_an_error_the_file_is_held_and_a_second_submit_files_it_without_uploading(
    client, notice, django_capture_on_commit_callbacks
):
    from publication.models import HeldUpload

    first = refused_with_file(client)
    page = first.content.decode()
    token = held_token(page)
    held = HeldUpload.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url("publication:objection", "en"), form_data(held_file=token))

    objection = Objection.objects.get()
    assert "Attached: <strong>证据.pdf</strong>" in page
    assert (held.token, held.file_name) == (token, "证据.pdf")
    assert second.status_code == 302
    assert (objection.file_name, objection.file_content_type) == ("证据.pdf", "application/pdf")
    with objection.file.open("rb") as stored:
        assert stored.read() == PDF
    assert (objection.file_size, objection.file_sha256) == (
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    # Used: the held copy is gone, row and file.
    assert HeldUpload.objects.count() == 0
    assert not held.file.storage.exists(held.file.name)


def test_the_honeypot_refusal_also_keeps_the_file(client, notice):
    response = refused_with_file(client, reason="有理由。", nectar="filled")

    assert response.status_code == 400
    assert "Attached: <strong>证据.pdf</strong>" in response.content.decode()


def test_a_held_file_changed_in_the_store_is_asked_for_again(client, notice):
    from django.core.files.base import ContentFile

    from publication.models import HeldUpload

    token = held_token(refused_with_file(client).content.decode())
    held = HeldUpload.objects.get()
    assert (held.size, held.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    # Swapped behind the portal's back while it was held.
    storage, name = held.file.storage, held.file.name
    storage.delete(name)
    assert storage.save(name, ContentFile(b"%PDF-1.4 something else\n%%EOF\n")) == name

    response = client.post(url("publication:objection", "en"), form_data(held_file=token))

    assert response.status_code == 200
    assert "The file you attached earlier is no longer kept" in response.content.decode()
    assert Objection.objects.count() == 0


def test_the_held_file_notice_is_in_chinese_on_the_chinese_page(client, notice):
    page = refused_with_file(client, "zh-hans").content.decode()

    assert "已附文件：<strong>证据.pdf</strong>" in page


def test_a_new_file_replaces_the_held_one(client, notice, django_capture_on_commit_callbacks):
    from publication.models import HeldUpload

    token = held_token(refused_with_file(client).content.decode())
    old = HeldUpload.objects.get()
    replacement = SimpleUploadedFile("second.pdf", PDF, "application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("publication:objection", "en"), form_data(held_file=token, file=replacement)
        )

    objection = Objection.objects.get()
    assert objection.file_name == "second.pdf"
    assert HeldUpload.objects.count() == 0
    assert not old.file.storage.exists(old.file.name)


def test_remove_lets_the_held_file_go(client, notice):
    token = held_token(refused_with_file(client).content.decode())

    client.post(url("publication:objection", "en"), form_data(held_file=token, drop_held_file="on"))

    objection = Objection.objects.get()
    assert (objection.file_name, bool(objection.file)) == ("", False)


def test_a_token_from_another_session_is_refused_with_a_message(client, notice):
    from django.test import Client

    token = held_token(refused_with_file(client).content.decode())
    stranger = Client()

    response = stranger.post(url("publication:objection", "en"), form_data(held_file=token))

    assert response.status_code == 200
    assert "The file you attached earlier is no longer kept" in response.content.decode()
    assert Objection.objects.count() == 0


def test_an_expired_token_is_refused_with_a_message_and_purged(
    client, notice, django_capture_on_commit_callbacks
):
    from publication.held_uploads import HOLD_HOURS
    from publication.models import HeldUpload
    from publication.tasks import purge_held_uploads

    token = held_token(refused_with_file(client).content.decode())
    held = HeldUpload.objects.get()

    with time_machine.travel(timezone.now() + timedelta(hours=HOLD_HOURS, minutes=1)):
        response = client.post(url("publication:objection", "zh-hans"), form_data(held_file=token))
        with django_capture_on_commit_callbacks(execute=True):
            purged = purge_held_uploads.run()

    assert "先前附上的文件已不再保留" in response.content.decode()
    assert Objection.objects.count() == 0
    assert (purged, HeldUpload.objects.count()) == (1, 0)
    assert not held.file.storage.exists(held.file.name)
