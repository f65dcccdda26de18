"""Hostile files at every upload: nomination materials, the objection's supporting file, and the
committee roster. Path-traversal and odd names, MIME spoofing, decompression and image bombs,
PDFs with JavaScript."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from publication.forms import started_token
from review.models import Expert
from submissions.models import Attachment
from tests.factories import UserFactory
from tests.hostile.payloads import close_file
from tests.review.committee_helpers import committee_edition
from tests.review.test_views_organiser import HEADER
from tests.submissions import samples
from tests.submissions.conftest import url
from voting.models import Objection

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>'


def zip_bomb() -> bytes:
    """50 MB of zeros that pack into a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.pdf", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def upload(client, nomination, kind, name, data, content_type="application/octet-stream"):
    return client.post(
        url("submissions:attachment_upload", code=nomination.code, kind=kind),
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        headers={"Accept": "application/json"},
    )


@pytest.fixture
def owner(client, nominator):
    client.force_login(nominator)
    return client


# --- names ----------------------------------------------------------------------------------

NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\report.pdf",
    "report\x00.exe.pdf",
    "a" * 400 + ".pdf",
    "技术报告\u202efdp.exe.pdf",
    'report"; filename="evil.html.pdf',
]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_a_hostile_file_name_is_stored_under_a_generated_name_and_sent_back_sanitised(
    owner, nomination, name
):
    response = upload(owner, nomination, "technical_report", name, samples.pdf_bytes())

    assert response.status_code == 200, response.content[:500]
    attachment = Attachment.objects.get()
    stored = attachment.file.name
    assert stored.startswith(f"nominations/{nomination.uuid.hex}/")
    assert stored.count("/") == 2 and stored.endswith(".pdf") and ".." not in stored
    assert len(attachment.original_name) <= 255
    for bad in ("/", "\\", "\x00", "\r", "\n", "\u202e"):
        assert bad not in attachment.original_name
    download = owner.get(
        url("submissions:attachment_download", code=nomination.code, pk=attachment.pk)
    )
    close_file(download)
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    for bad in ("/", "\\", "\x00", "\r", "\n", "\u202e"):
        assert bad not in disposition
    assert disposition.count('"') in (0, 2)  # one quoted value (ASCII) or filename*= (UTF-8)


def test_a_name_with_a_line_break_is_refused_or_cleaned_never_a_server_error(owner, nomination):
    # The line break ends the part's header: the parser sees a truncated name without ".pdf".
    name = "r\r\nX-Injected: 1.pdf"

    response = upload(owner, nomination, "technical_report", name, samples.pdf_bytes())

    assert response.status_code == 400
    assert "its name does not end in .pdf" in response.json()["error"]
    assert Attachment.objects.count() == 0


# --- content that lies about itself ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "data", "content_type"),
    [
        ("evidence", "photo.png", HTML, "image/png"),
        ("evidence", "photo.png", SVG, "image/png"),
        ("evidence", "diagram.svg", SVG, "image/svg+xml"),
        ("technical_report", "report.pdf", HTML, "application/pdf"),
        ("technical_report", "report.pdf", zip_bomb(), "application/pdf"),
        ("evidence", "photo.png", samples.png_bomb_bytes(), "image/png"),
        ("technical_report", "report.pdf", samples.javascript_pdf_bytes(), "application/pdf"),
        ("technical_report", "report.pdf", samples.launch_pdf_bytes(), "application/pdf"),
        ("technical_report", "report.pdf", samples.zip_with_pdf_bytes(), "application/pdf"),
        (
            "technical_report",
            "report.pdf",
            samples.script_page_then_pdf_bytes(),
            "application/pdf",
        ),
        ("evidence", "letter.pdf", samples.pdf_bytes() + HTML, "application/pdf"),
        ("video", "demo.mp4", samples.html_in_moov_mp4_bytes(), "video/mp4"),
    ],
    ids=[
        "html-as-png",
        "svg-as-png",
        "svg",
        "html-as-pdf",
        "zip-bomb",
        "png-bomb",
        "pdf-js",
        "pdf-launch",
        "zip-with-pdf-inside",
        "script-page-then-pdf",
        "pdf-then-html",
        "html-in-moov-mp4",
    ],
)
def test_spoofed_bombs_and_active_files_are_refused_and_not_stored(
    owner, nomination, kind, name, data, content_type
):
    response = upload(owner, nomination, kind, name, data, content_type)

    body = response.json()
    assert response.status_code in (400, 413)
    assert body["ok"] is False
    assert body["error"]
    assert Attachment.objects.count() == 0


# --- the objection's supporting file ---------------------------------------------------------


@pytest.fixture
def open_notice(db):
    from publication import services as publication
    from tests.factories import EditionFactory
    from tests.voting.publication_fixtures import make_certified

    edition = EditionFactory(year=2031, is_current=True, committee_size=3)
    organiser = UserFactory(roles=["organiser"])
    make_certified(edition, organiser)
    publication.open_notice(edition=edition, actor=organiser)
    return edition


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("evidence.png", HTML),
        ("evidence.png", SVG),
        ("evidence.pdf", samples.javascript_pdf_bytes()),
        ("evidence.pdf", zip_bomb()),
        ("evidence.png", samples.png_bomb_bytes()),
        ("evidence.pdf", samples.zip_with_pdf_bytes()),
        ("evidence.pdf", samples.script_page_then_pdf_bytes()),
        ("evidence.pdf", samples.pdf_bytes() + HTML),
    ],
    ids=[
        "html-as-png",
        "svg-as-png",
        "pdf-js",
        "zip-bomb",
        "png-bomb",
        "zip-with-pdf-inside",
        "script-page-then-pdf",
        "pdf-then-html",
    ],
)
def test_a_hostile_objection_file_is_refused_and_the_form_keeps_the_text(open_notice, name, data):
    response = Client().post(
        url("publication:objection", "zh-hans"),
        {
            "nomination": "2031-CE-002",
            "name": "张三",
            "organisation": "",
            "email": "zhang@example.org",
            "phone": "",
            "reason": "核心专利存在权属争议。",
            "nectar": "",
            "started": started_token(timezone.now() - timedelta(minutes=1)),
            "file": SimpleUploadedFile(name, data, content_type="image/png"),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert not Objection.objects.exists()
    assert "核心专利存在权属争议。" in html  # nothing typed is lost


# --- the committee roster -------------------------------------------------------------------


def roster_upload(client, name, content):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(url("review:committee_import"), {"file": upload}, follow=True)


def xlsx_bomb() -> bytes:
    """A valid workbook whose sheet XML inflates far past any roster (a few kB packed)."""
    workbook = Workbook()
    workbook.active.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (40 * 1024 * 1024) + b"</sheetData>")
            archive.writestr(item.filename, data)
    return out.getvalue()


def huge_csv() -> bytes:
    row = ",".join(["张三", "Zhang", "z@example.cn", "", "", "", "", "", "en"])
    return (",".join(HEADER) + "\n" + (row + "\n") * 60_000).encode()


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("roster.xlsx", xlsx_bomb, "The XLSX file is too large once unpacked."),
        ("roster.csv", huge_csv, "The file has more than 1000 rows."),
        ("roster.xlsx", zip_bomb, "The XLSX file is too large once unpacked."),
        ("roster.xlsx", lambda: b"PK\x03\x04 not really a zip", "The XLSX file cannot be read."),
    ],
    ids=["xlsx-bomb", "huge-csv", "zip-bomb", "not-a-zip"],
)
def test_a_hostile_roster_is_refused_with_a_message(name, build, message):
    committee_edition(reviewers_per_entry=1)
    client = Client()
    client.force_login(UserFactory(roles=["organiser"], preferred_language="en"))

    response = roster_upload(client, name, build())

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Expert.objects.exists()
