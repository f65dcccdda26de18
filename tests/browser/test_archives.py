"""An organiser builds an edition's archive on a phone-sized screen, is asked for the second
factor again on download, and gets the ZIP; the page logs nothing to the console."""

import re
import zipfile

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.base import ContentFile

from archives.models import EditionArchive
from core.models import AuditEvent
from tests.accounts.conftest import totp_code
from tests.browser.conftest import snap
from tests.factories import (
    PASSWORD,
    AttachmentFactory,
    EditionFactory,
    NominationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def test_an_organiser_builds_and_downloads_the_archive_after_the_second_factor(
    browser, live_server, shots, tmp_path
):
    edition = EditionFactory(year=2031, name_zh="2031年评选", name_en="2031 selection")
    nomination = NominationFactory(edition=edition, code="2031-CE-001")
    AttachmentFactory(nomination=nomination, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="r.pdf"))
    organiser = UserFactory(roles=["organiser"], preferred_language="zh-hans")
    secret = generate_totp_secret()
    TOTP.activate(organiser, secret)
    recovery = RecoveryCodes.activate(organiser).get_unused_codes()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: message.type in ("error", "warning") and problems.append(message.text),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/zh-hans/accounts/login/")
    page.locator("input[name=login]").fill(organiser.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("#main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code(secret))
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").first.click()

    page.goto("/zh-hans/archives/")
    assert page.locator("h1").inner_text() == "各届评选档案"
    with page.expect_navigation():
        page.get_by_role("button", name="生成档案").click()
    row = page.locator("[data-testid=archive-table] tbody tr").first
    assert "可下载" in row.inner_text()
    snap(page, path=str(shots("archives") / "browser-archives-zh-hans-390.png"), full_page=True)
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    row.get_by_role("link", name="下载").click()
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/|/2fa/reauthenticate/"))
    page.locator("input[name=code]").fill(recovery[0])
    with page.expect_download() as download_info:
        page.locator("#main form button[type=submit]").first.click()
    path = tmp_path / "archive.zip"
    download_info.value.save_as(path)

    with zipfile.ZipFile(path) as archive:
        assert "index.html" in archive.namelist()
        assert "manifest.json" in archive.namelist()
    assert download_info.value.suggested_filename == "wnevc-2031-archive.zip"
    assert AuditEvent.objects.filter(action="archive.downloaded", actor=organiser).count() == 1
    assert EditionArchive.objects.get().state == "ready"
    assert problems == []
    context.close()
