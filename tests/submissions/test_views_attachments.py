"""Uploading, removing and downloading a nomination's materials through the views."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEvent
from submissions.models import Attachment, Nomination
from tests.factories import AttachmentFactory, NominationFactory, OrganisationFactory, UserFactory

from . import samples
from .conftest import url


def stored_files(settings) -> list[str]:
    """Every file under the media folder (the storage of the tests)."""
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def upload(client, nomination, kind, name, data, *, language="en", json_wanted=True):
    headers = {"Accept": "application/json"} if json_wanted else {}
    return client.post(
        url("submissions:attachment_upload", language, code=nomination.code, kind=kind),
        {
            "file": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            "next": url("submissions:nomination_detail", language, code=nomination.code),
        },
        headers=headers,
    )


@pytest.fixture
def owner_client(client, nominator):
    client.force_login(nominator)
    return client


@pytest.fixture
def organiser_with_totp(organiser):
    TOTP.activate(organiser, generate_totp_secret())
    return organiser


# --- accepted uploads ---------------------------------------------------------------------------


def test_an_uploaded_report_is_stored_under_a_generated_name(owner_client, nomination, nominator):
    data = samples.pdf_bytes(pages=2)

    response = upload(owner_client, nomination, "technical_report", "Our report.pdf", data)

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["message"] == "“Our report.pdf” is uploaded as Technical report (version 1)."
    assert 'id="attachments"' in body["html"]
    attachment = Attachment.objects.get(nomination=nomination)
    assert (
        attachment.kind,
        attachment.original_name,
        attachment.content_type,
        attachment.size,
        attachment.sha256,
        attachment.version,
        attachment.is_current,
        attachment.uploaded_by,
    ) == (
        "technical_report",
        "Our report.pdf",
        "application/pdf",
        len(data),
        hashlib.sha256(data).hexdigest(),
        1,
        True,
        nominator,
    )
    assert "Our report" not in attachment.file.name
    assert attachment.file.name.startswith(f"nominations/{nomination.uuid.hex}/")
    with default_storage.open(attachment.file.name, "rb") as stored:
        assert stored.read() == data
    event = AuditEvent.objects.get(action="attachment.uploaded")
    assert (event.actor, event.details["kind"], event.details["version"]) == (
        nominator,
        "technical_report",
        1,
    )


def test_a_new_upload_is_a_new_version_and_keeps_the_old_one(settings, owner_client, nomination):
    upload(owner_client, nomination, "technical_report", "v1.pdf", samples.pdf_bytes())

    upload(owner_client, nomination, "technical_report", "v2.pdf", samples.pdf_bytes(pages=2))

    rows = list(
        Attachment.objects.filter(nomination=nomination)
        .order_by("version")
        .values_list("original_name", "version", "is_current")
    )
    assert rows == [("v1.pdf", 1, False), ("v2.pdf", 2, True)]
    assert len(stored_files(settings)) == 2


def test_evidence_can_have_several_current_files(owner_client, nomination):
    upload(owner_client, nomination, "evidence", "test.png", samples.png_bytes())
    upload(owner_client, nomination, "evidence", "photo.jpg", samples.jpeg_bytes())

    rows = list(
        Attachment.objects.filter(nomination=nomination, is_current=True)
        .order_by("version")
        .values_list("original_name", "content_type")
    )
    assert rows == [("test.png", "image/png"), ("photo.jpg", "image/jpeg")]


def test_without_javascript_the_upload_comes_back_to_the_page(owner_client, nomination):
    response = upload(
        owner_client, nomination, "recommendation_form", "form.pdf", samples.pdf_bytes(),
        json_wanted=False,
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == (
        url("submissions:nomination_detail", code=nomination.code) + "#attachments"
    )
    assert Attachment.objects.filter(kind="recommendation_form").count() == 1


@pytest.mark.parametrize(
    ("kind", "name", "data", "content_type"),
    [
        (
            "technical_report",
            "report.pdf",
            samples.incrementally_updated_pdf_bytes(),
            "application/pdf",
        ),
        ("video", "demo.mp4", samples.mp4_bytes(), "video/mp4"),
        ("video", "live.mp4", samples.fragmented_mp4_bytes(), "video/mp4"),
    ],
    ids=["pdf-with-incremental-update", "mp4", "fragmented-mp4"],
)
def test_well_formed_pdfs_and_videos_are_stored(
    owner_client, nomination, kind, name, data, content_type
):
    response = upload(owner_client, nomination, kind, name, data)

    assert response.status_code == 200, response.json()
    attachment = Attachment.objects.get(nomination=nomination)
    assert (attachment.kind, attachment.content_type, attachment.size) == (
        kind,
        content_type,
        len(data),
    )
    with default_storage.open(attachment.file.name, "rb") as stored:
        assert stored.read() == data


# --- refused uploads: the message, and nothing stored --------------------------------------------

REFUSALS = [
    pytest.param(
        "technical_report",
        "report.pdf",
        samples.WINDOWS_EXE,
        "“report.pdf” is a Windows program, whatever its name says. Only PDF files are "
        "accepted for the technical report.",
        id="renamed-executable",
    ),
    pytest.param(
        "technical_report",
        "report.pdf",
        samples.corrupt_pdf_bytes(),
        "“report.pdf” is not a readable PDF: the file is damaged or incomplete.",
        id="corrupt-pdf",
    ),
    pytest.param(
        "technical_report",
        "report.pdf",
        samples.encrypted_pdf_bytes(),
        "“report.pdf” is protected by a password (encrypted). Please upload a copy without "
        "password protection.",
        id="encrypted-pdf",
    ),
    pytest.param(
        "evidence",
        "letter.pdf",
        samples.javascript_pdf_bytes(),
        "“letter.pdf” contains active content (JavaScript), which is not accepted. Please "
        "print or export it again as a plain PDF.",
        id="javascript-pdf",
    ),
    pytest.param(
        "recommendation_form",
        "stamp.png",
        samples.png_bomb_bytes(),
        "“stamp.png” declares an image larger than 50 megapixels, which is not accepted. "
        "Please scan or export it at a lower resolution.",
        id="image-bomb",
    ),
    pytest.param(
        "technical_report",
        "report.mp4",
        samples.mp4_bytes(),
        "“report.mp4” is an MP4 video; only PDF files are accepted for the technical report.",
        id="video-as-report",
    ),
    pytest.param(
        "technical_report",
        "report.pdf",
        samples.zip_with_pdf_bytes(),
        "“report.pdf” is a ZIP archive or Office document, whatever its name says. Only PDF "
        "files are accepted for the technical report.",
        id="zip-with-a-pdf-inside",
    ),
    pytest.param(
        "technical_report",
        "report.pdf",
        samples.script_page_then_pdf_bytes(),
        "“report.pdf” is a web page or XML file, whatever its name says. Only PDF files are "
        "accepted for the technical report.",
        id="script-page-then-pdf",
    ),
    pytest.param(
        "evidence",
        "letter.pdf",
        samples.pdf_bytes() + samples.SCRIPT_PAGE,
        "“letter.pdf” has other data after the end of the PDF, which is not accepted. Please "
        "save or export it again as a plain PDF.",
        id="pdf-then-script-page",
    ),
    pytest.param(
        "video",
        "demo.mp4",
        samples.html_in_moov_mp4_bytes(),
        "“demo.mp4” is not a readable MP4 video: the file is damaged or incomplete.",
        id="70-byte-mp4-with-a-web-page",
    ),
]


@pytest.mark.parametrize(("kind", "name", "data", "message"), REFUSALS)
def test_a_bad_upload_is_refused_with_its_reason_and_nothing_is_stored(
    settings, owner_client, nomination, kind, name, data, message
):
    before = Nomination.objects.values("version", "title_zh", "title_en").get(pk=nomination.pk)

    response = upload(owner_client, nomination, kind, name, data)

    assert response.status_code == 400
    assert response.json() == {"ok": False, "kind": kind, "error": message}
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []
    assert not AuditEvent.objects.filter(action__startswith="attachment.").exists()
    # The nomination itself is untouched: an open edit form elsewhere is not made stale.
    assert Nomination.objects.values("version", "title_zh", "title_en").get(pk=nomination.pk) == (
        before
    )


def test_a_refusal_is_in_chinese_on_the_chinese_pages(settings, owner_client, nomination):
    response = upload(
        owner_client, nomination, "technical_report", "report.pdf", samples.WINDOWS_EXE,
        language="zh-hans",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["error"] == (
        "“report.pdf”实际上是Windows 程序，与文件名无关。技术报告仅接受 PDF 格式的文件。"
    )
    assert stored_files(settings) == []


def test_without_javascript_a_polyglot_is_refused_on_the_page_in_chinese(
    settings, owner_client, nomination
):
    before = Nomination.objects.values("version", "title_zh", "title_en").get(pk=nomination.pk)

    response = owner_client.post(
        url("submissions:attachment_upload", "zh-hans", code=nomination.code, kind="video"),
        {"file": SimpleUploadedFile("演示.mp4", samples.html_in_moov_mp4_bytes())},
        follow=True,
    )

    assert response.redirect_chain == [
        (
            url("submissions:nomination_detail", "zh-hans", code=nomination.code) + "#attachments",
            302,
        )
    ]
    assert "“演示.mp4”不是可读取的 MP4 视频：文件已损坏或不完整。" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []
    assert Nomination.objects.values("version", "title_zh", "title_en").get(pk=nomination.pk) == (
        before
    )


def test_an_oversized_file_is_refused_while_it_is_received(settings, owner_client, nomination):
    settings.WNEVC_UPLOAD_LIMITS = {**settings.WNEVC_UPLOAD_LIMITS, "technical_report": 1000}
    data = samples.pdf_bytes() + b"%" + b"x" * 5000  # a valid PDF padded past the limit

    english = upload(owner_client, nomination, "technical_report", "big.pdf", data)
    chinese = upload(
        owner_client, nomination, "technical_report", "big.pdf", data, language="zh-hans"
    )

    assert english.status_code == chinese.status_code == 413
    assert english.json()["error"] == (
        "“big.pdf” is larger than 1000\xa0bytes, the most the technical report may be."
    )
    assert chinese.json()["error"] == "“big.pdf”超过 1000\xa0字节，技术报告不得超过此大小。"
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_the_total_per_nomination_is_kept(settings, owner_client, nomination):
    settings.WNEVC_UPLOAD_LIMITS = {**settings.WNEVC_UPLOAD_LIMITS, "total": 1200}
    AttachmentFactory(nomination=nomination, kind="evidence", size=1000)
    files_before = stored_files(settings)

    response = upload(owner_client, nomination, "technical_report", "r.pdf", samples.pdf_bytes())

    assert response.status_code == 400
    assert response.json()["error"] == (
        "“r.pdf” (431\xa0bytes) would bring this nomination's materials to 1.4\xa0KB; at most "
        "1.2\xa0KB are allowed in all. Replace or remove another file first."
    )
    assert Attachment.objects.filter(kind="technical_report").count() == 0
    assert stored_files(settings) == files_before


def test_a_replaced_file_does_not_count_towards_the_total(settings, owner_client, nomination):
    size = len(samples.pdf_bytes())
    # Room for one copy but not two: counting the replaced file would refuse the upload.
    settings.WNEVC_UPLOAD_LIMITS = {**settings.WNEVC_UPLOAD_LIMITS, "total": size + size // 2}
    first = upload(owner_client, nomination, "technical_report", "v1.pdf", samples.pdf_bytes())
    assert first.status_code == 200

    response = upload(owner_client, nomination, "technical_report", "v2.pdf", samples.pdf_bytes())

    assert response.status_code == 200
    latest = Attachment.objects.filter(kind="technical_report", nomination=nomination).latest("pk")
    assert latest.original_name == "v2.pdf"


def test_an_empty_request_asks_for_a_file(owner_client, nomination):
    response = owner_client.post(
        url("submissions:attachment_upload", code=nomination.code, kind="evidence"),
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "Choose a file to upload first."


def test_no_upload_once_the_window_closed(settings, owner_client, nomination):
    window = nomination.edition.stage_windows.get()
    window.opens_at = timezone.now() - timedelta(days=10)
    window.closes_at = timezone.now() - timedelta(days=1)
    window.save()

    response = upload(owner_client, nomination, "evidence", "a.png", samples.png_bytes())

    assert response.status_code == 409
    assert response.json()["error"] == (
        "This nomination can no longer be changed, so its materials cannot be either."
    )
    assert stored_files(settings) == []


def test_another_organisation_cannot_upload(client, settings, stranger, nomination):
    client.force_login(stranger)

    response = upload(client, nomination, "evidence", "a.png", samples.png_bytes())

    assert response.status_code == 404
    assert stored_files(settings) == []


def test_anonymous_upload_is_sent_to_sign_in(client, settings, nomination):
    response = upload(client, nomination, "evidence", "a.png", samples.png_bytes())

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))
    assert stored_files(settings) == []


def test_an_unknown_kind_is_404(owner_client, nomination):
    response = upload(owner_client, nomination, "passport", "a.png", samples.png_bytes())

    assert response.status_code == 404


# --- video link and removal -------------------------------------------------------------------


def test_a_video_link_replaces_the_video(owner_client, nomination):
    upload(owner_client, nomination, "video", "demo.mp4", samples.mp4_bytes())

    response = owner_client.post(
        url("submissions:attachment_video_link", code=nomination.code),
        {"video_url": "https://video.example.com/watch?v=42"},
        headers={"Accept": "application/json"},
    )

    assert response.json()["ok"] is True
    rows = list(
        Attachment.objects.filter(kind="video")
        .order_by("version")
        .values_list("original_name", "video_url", "is_current")
    )
    assert rows == [("demo.mp4", "", False), ("", "https://video.example.com/watch?v=42", True)]


def test_a_bad_video_link_is_refused(owner_client, nomination):
    response = owner_client.post(
        url("submissions:attachment_video_link", code=nomination.code),
        {"video_url": "javascript:alert(1)"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error"] == (
        "“javascript:alert(1)” is not a link to a web page (it should start with https://)."
    )
    assert Attachment.objects.count() == 0


def test_removing_evidence_keeps_it_as_history(settings, owner_client, nomination):
    upload(owner_client, nomination, "evidence", "a.png", samples.png_bytes())
    attachment = Attachment.objects.get()

    response = owner_client.post(
        url("submissions:attachment_remove", code=nomination.code, pk=attachment.pk),
        headers={"Accept": "application/json"},
    )

    assert response.json()["message"] == "“a.png” is removed from the nomination."
    attachment.refresh_from_db()
    assert attachment.is_current is False
    assert stored_files(settings) == [attachment.file.name]


# --- downloads: the permission matrix ---------------------------------------------------------


@pytest.fixture
def report(nomination):
    data = samples.pdf_bytes()
    return AttachmentFactory(
        nomination=nomination,
        kind="technical_report",
        file=SimpleUploadedFile("x.pdf", data),
        original_name="技术报告 final.pdf",
        size=len(data),
    )


def _download(client, attachment):
    return client.get(
        url(
            "submissions:attachment_download",
            code=attachment.nomination.code,
            pk=attachment.pk,
        )
    )


def _assert_sent_as_attachment(response, attachment):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%8A%80%E6%9C%AF%E6%8A%A5%E5%91%8A%20final.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    with default_storage.open(attachment.file.name, "rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_the_owner_downloads_a_file_as_an_attachment(owner_client, report):
    _assert_sent_as_attachment(_download(owner_client, report), report)


def test_a_colleague_of_the_same_organisation_downloads_it(client, colleague, report):
    client.force_login(colleague)

    _assert_sent_as_attachment(_download(client, report), report)


def test_an_organiser_downloads_it(client, organiser_with_totp, report):
    client.force_login(organiser_with_totp)

    _assert_sent_as_attachment(_download(client, report), report)


def test_another_nominator_gets_404(client, stranger, report):
    client.force_login(stranger)

    assert _download(client, report).status_code == 404


def test_an_expert_gets_404(client, expert, report):
    TOTP.activate(expert, generate_totp_secret())
    client.force_login(expert)

    assert _download(client, report).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, report):
    response = _download(client, report)

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_a_file_of_another_nomination_is_404_through_mine(owner_client, nomination, edition):
    other = NominationFactory(edition=edition, organisation=OrganisationFactory(), code="X-1")
    foreign = AttachmentFactory(nomination=other)

    response = owner_client.get(
        url("submissions:attachment_download", code=nomination.code, pk=foreign.pk)
    )

    assert response.status_code == 404


# --- the page ---------------------------------------------------------------------------------


def test_the_detail_page_shows_materials_with_upload_controls(owner_client, nomination, report):
    response = owner_client.get(url("submissions:nomination_detail", code=nomination.code))

    html = response.content.decode()
    assert 'data-testid="upload-technical_report"' in html
    assert 'accept=".jpeg,.jpg,.pdf,.png"' in html
    assert url("submissions:attachment_download", code=nomination.code, pk=report.pk) in html
    assert "/static/js/upload.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_the_detail_page_has_no_upload_controls_when_not_editable(client, db):
    nomination = NominationFactory(state="eligible")
    client.force_login(UserFactory(organisation=nomination.organisation))

    response = client.get(url("submissions:nomination_detail", code=nomination.code))

    html = response.content.decode()
    assert 'id="attachments"' in html
    assert 'data-testid="upload-' not in html


def test_the_section_an_upload_answers_is_the_one_the_page_shows(owner_client, nomination):
    # The upload renders its section from the rows it read under its lock, with the new version
    # added and the replaced one moved to the earlier versions: the page, reading the database
    # afresh, must show the same.
    upload(owner_client, nomination, "evidence", "a.png", samples.png_bytes())
    upload(owner_client, nomination, "technical_report", "v1.pdf", samples.pdf_bytes())
    response = upload(
        owner_client, nomination, "technical_report", "v2.pdf", samples.pdf_bytes(pages=2)
    )
    answered = json.loads(response.content)["html"]
    page = owner_client.get(url("submissions:nomination_edit", code=nomination.code))

    def section(html: str) -> str:
        part = html[html.index('data-testid="materials-used"') :]
        part = part[: part.index('<div class="border-top pt-3 mt-3" id="material-video"')]
        # Per response: the CSRF token, and where the forms come back to.
        return re.sub(r'name="(csrfmiddlewaretoken|next)" value="[^"]*"', "", part)

    assert section(answered) == section(page.content.decode())
    assert "1 earlier version" in section(answered)


def test_json_section_replaces_itself(owner_client, nomination):
    response = upload(owner_client, nomination, "evidence", "a.png", samples.png_bytes())

    html = json.loads(response.content)["html"]
    assert html.count('id="attachments"') == 1
    assert "a.png" in html
    assert "upload.js" not in html  # already on the page
