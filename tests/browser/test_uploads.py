"""Uploading materials on the edit page: a refusal shows next to its control, a good file shows
a progress bar and lands in the list, and the unsaved text typed above is never lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from submissions.models import Attachment
from submissions.stages import Stage
from tests.browser.conftest import snap
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)
from tests.submissions import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def draft():
    edition = EditionFactory(is_current=True)
    StageWindowFactory(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=10),
    )
    organisation = OrganisationFactory()
    user = UserFactory(organisation=organisation, preferred_language="en")
    nomination = NominationFactory(
        edition=edition,
        category=CategoryFactory(edition=edition),
        organisation=organisation,
        created_by=user,
        code=f"{edition.year}-CE-001",
    )
    return user, nomination


def sign_in(page, user, language):
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        (
            "en",
            "“report.pdf” is a Windows program, whatever its name says. Only PDF files are "
            "accepted for the technical report.",
        ),
        (
            "zh-hans",
            "“report.pdf”实际上是Windows 程序，与文件名无关。技术报告仅接受 PDF 格式的文件。",
        ),
    ],
)
def test_refused_and_accepted_uploads_keep_what_was_typed(
    page, media, draft, tmp_path, shots, language, refusal
):
    user, nomination = draft
    bad = tmp_path / "report.pdf"
    bad.write_bytes(samples.WINDOWS_EXE)
    good = tmp_path / "technical-report.pdf"
    good.write_bytes(samples.pdf_bytes(pages=2))
    sign_in(page, user, language)
    page.goto(f"/{language}/my/nominations/{nomination.code}/edit/")
    title = page.locator("#id_title_en")
    title.fill("A title typed but not saved yet")

    page.locator("#file-technical_report").set_input_files(str(bad))
    page.get_by_test_id("upload-technical_report").locator("button[type=submit]").click()

    error = page.get_by_test_id("upload-error-technical_report")
    error.filter(has_text="report.pdf").wait_for()
    assert error.inner_text() == refusal
    assert title.input_value() == "A title typed but not saved yet"
    assert Attachment.objects.count() == 0
    assert not media.exists() or not any(media.rglob("*.*"))
    snap(
        page.locator("#attachments"), path=str(shots("uploads") / f"browser-refused-{language}.png")
    )

    page.locator("#file-technical_report").set_input_files(str(good))
    page.get_by_test_id("upload-technical_report").locator("button[type=submit]").click()

    page.get_by_test_id("material-technical_report").get_by_role(
        "link", name="technical-report.pdf"
    ).wait_for()
    assert title.input_value() == "A title typed but not saved yet"
    assert page.get_by_test_id("upload-error-technical_report").inner_text() == ""
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.original_name) == (
        "technical_report",
        "technical-report.pdf",
    )
    # The section was replaced in place and announces the upload.
    status = page.locator("#attachments .js-upload-status")
    assert status.is_visible()
    assert "technical-report.pdf" in status.inner_text()
    snap(
        page.locator("#attachments"),
        path=str(shots("uploads") / f"browser-accepted-{language}.png"),
    )


def test_a_large_upload_shows_its_progress(page, media, draft, tmp_path, shots):
    user, nomination = draft
    video = tmp_path / "demo.mp4"
    samples.write_sparse_mp4(video, 6 * 1024 * 1024)
    sign_in(page, user, "zh-hans")
    page.goto(f"/zh-hans/my/nominations/{nomination.code}/")
    # Slow the upload to ~2 MB/s so the bar is seen half-way.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": 2 * 1024 * 1024,
        },
    )

    page.locator("#file-video").set_input_files(str(video))
    page.get_by_test_id("upload-video").locator("button[type=submit]").click()

    bar = page.get_by_test_id("upload-video").get_by_role("progressbar")
    bar.wait_for()
    label = page.get_by_test_id("upload-video").locator(".js-upload-progress-text")
    label.filter(has_text="正在上传").wait_for()
    snap(page.locator("#material-video"), path=str(shots("uploads") / "browser-progress-zh.png"))
    page.get_by_test_id("material-video").get_by_role("link", name="demo.mp4").wait_for(
        timeout=60_000
    )
    assert Attachment.objects.get().size == 6 * 1024 * 1024


@pytest.mark.parametrize(
    ("language", "report_refusal", "video_refusal"),
    [
        (
            "en",
            "“report.pdf” has other data after the end of the PDF, which is not accepted. Please "
            "save or export it again as a plain PDF.",
            "“demo.mp4” is not a readable MP4 video: the file is damaged or incomplete.",
        ),
        (
            "zh-hans",
            "“report.pdf”在 PDF 结束之后还附有其他数据，不予接受。请重新保存或导出为普通 PDF "
            "文件后上传。",
            "“demo.mp4”不是可读取的 MP4 视频：文件已损坏或不完整。",
        ),
    ],
)
def test_files_that_are_more_than_they_claim_are_refused_beside_their_control(
    page, media, draft, tmp_path, language, report_refusal, video_refusal
):
    user, nomination = draft
    report = tmp_path / "report.pdf"
    report.write_bytes(samples.pdf_bytes() + samples.SCRIPT_PAGE)
    video = tmp_path / "demo.mp4"
    video.write_bytes(samples.html_in_moov_mp4_bytes())
    sign_in(page, user, language)
    page.goto(f"/{language}/my/nominations/{nomination.code}/edit/")
    title = page.locator("#id_title_en")
    title.fill("A title typed but not saved yet")

    page.locator("#file-technical_report").set_input_files(str(report))
    page.get_by_test_id("upload-technical_report").locator("button[type=submit]").click()
    report_error = page.get_by_test_id("upload-error-technical_report")
    report_error.filter(has_text="report.pdf").wait_for()
    page.locator("#file-video").set_input_files(str(video))
    page.get_by_test_id("upload-video").locator("button[type=submit]").click()
    video_error = page.get_by_test_id("upload-error-video")
    video_error.filter(has_text="demo.mp4").wait_for()

    assert (report_error.inner_text(), video_error.inner_text()) == (
        report_refusal,
        video_refusal,
    )
    assert title.input_value() == "A title typed but not saved yet"
    assert Attachment.objects.count() == 0
    assert not media.exists() or not any(media.rglob("*.*"))
