"""The whole open-collection journey in Chromium (issue 3): a person signs up and confirms the
e-mail, describes the organisation, fills a nomination in both languages, uploads the stamped
form and the technical report (the progress bar is seen), and submits; the secretariat returns
it with a reason and a deadline; the nominator reads the reason, corrects and submits again; the
secretariat finds it eligible. Each step asserts what the person sees, the end the database."""

import io
import os
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from accounts.models import User
from submissions.models import Attachment, Category, FormalCheck, Nomination
from submissions.stages import Stage
from submissions.states import Channel, NominationState
from tests.browser.conftest import snap
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    DirectionFactory,
    EditionFactory,
    StageWindowFactory,
    UserFactory,
)
from tests.submissions import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "li.na@solid-cell.example.cn"
REASON = "The stamped form is not signed by the legal representative. Please upload a signed scan."


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


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
def edition():
    edition = EditionFactory(is_current=True)
    StageWindowFactory(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=20),
    )
    CategoryFactory(edition=edition, code=Category.Code.CUTTING_EDGE)
    CategoryFactory(edition=edition, code=Category.Code.INNOVATIVE)
    DirectionFactory(
        edition=edition, code="power-battery", name_zh="动力电池", name_en="Power battery"
    )
    return edition


@pytest.fixture
def files(tmp_path):
    """A scan of the stamped form (PNG) and a technical report (a PDF of ~300 kB, large enough
    for the progress bar to be seen on a slowed connection)."""
    form = tmp_path / "stamped-form.png"
    form.write_bytes(samples.png_bytes(400, 560))
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, format="PDF", resolution=72)
    report = tmp_path / "technical-report.pdf"
    report.write_bytes(out.getvalue())
    return form, report


@pytest.fixture
def new_tab(browser, live_server):
    """Opens browser tabs with cookies of their own (one per person); all closed at the end."""
    contexts = []

    def open_tab():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context, context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def sign_in(page, email, password, language="en"):
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").first.click()


def alerts(page) -> list[str]:
    return [text.strip() for text in page.locator("#main .alert").all_inner_texts()]


def badge(page) -> str:
    return page.get_by_test_id("state-badge").first.inner_text()


def timeline(page) -> list[str]:
    return page.get_by_test_id("timeline-item").evaluate_all(
        "items => items.map(item => item.dataset.state)"
    )


def decide(page, code, decision, *, reason="", deadline=""):
    page.goto("/en/organiser/formal-check/")
    page.get_by_test_id("queue-row").get_by_role("link", name=code).click()
    page.wait_for_url(re.compile(rf"/en/organiser/formal-check/{code}/"))
    page.get_by_test_id("checklist").get_by_label(decision, exact=True).check()
    if reason:
        page.locator("textarea[name=reason]").fill(reason)
    if deadline:
        page.locator("input[name=correction_deadline]").fill(deadline)
    page.get_by_test_id("decide").click()
    page.wait_for_url(re.compile(r"/en/organiser/formal-check/(\?.*)?$"))


def test_sign_up_nominate_upload_submit_return_correct_and_eligible(
    live_server, new_tab, media, edition, files, shots
):
    folder = shots("journeys")
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    stamped_form, report = files
    mail.outbox.clear()
    context, page = new_tab()

    # --- Sign up, confirm the e-mail through the link, land signed in. ----------------------
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Your name").fill("Li Na")
    page.get_by_label("Password", exact=False).first.fill("Solid-Cell-2031!")
    page.get_by_label("Password (again)").fill("Solid-Cell-2031!")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"{live_server.url}/en/accounts/confirm-email/")
    [message] = mail.outbox
    assert message.to == [EMAIL]
    link = re.search(r"https?://\S+/en/accounts/confirm-email/\S+", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/en/me/")
    assert page.get_by_text("Welcome, Li Na.").is_visible()

    # --- The organisation profile comes first. ---------------------------------------------
    page.goto("/en/my/nominations/")
    page.wait_for_url(f"{live_server.url}/en/my/organisation/")
    assert (
        "Before you nominate a technology, tell us about the organisation you act for."
        in alerts(page)
    )
    page.locator("#id_name_zh").fill("固态电芯科技有限公司")
    page.locator("#id_name_en").fill("Solid Cell Technology Co., Ltd.")
    page.locator("#id_kind").select_option("enterprise")
    page.locator("#id_country").fill("China")
    page.locator("#id_address").fill("88 Jiading Road, Shanghai")
    page.locator("#id_contact_name").fill("Li Na")
    page.locator("#id_contact_phone").fill("+86 21 5555 0101")
    page.locator("#id_contact_email").fill(EMAIL)
    page.get_by_role("button", name="Save the profile").click()
    page.wait_for_url(f"{live_server.url}/en/my/nominations/")
    assert "The organisation profile is saved." in alerts(page)

    # --- A nomination in both languages, saved as a draft. ----------------------------------
    page.get_by_test_id("new-nomination").click()
    page.wait_for_url(f"{live_server.url}/en/my/nominations/new/")
    page.locator("input[data-category-code=cutting_edge]").check()
    page.locator("#id_direction").select_option(label="Power battery")
    texts = {
        "title": (
            "硫化物全固态电池界面工程",
            "Interface engineering for sulfide solid-state cells",
        ),
        "summary": (
            "通过原位界面层抑制锂枝晶，实现室温下稳定循环。",
            "An in-situ interlayer suppresses lithium dendrites for stable cycling at room "
            "temperature.",
        ),
        "description": ("硫化物电解质与高镍正极的界面设计。", "Interface design of sulfide cells."),
        "innovations": ("原位生成的界面层。", "An interlayer formed in situ."),
        "indicators": ("能量密度 450 Wh/kg。", "450 Wh/kg energy density."),
        "application": ("计划 2030 年中试。", "Pilot line planned for 2030."),
    }
    for field, (chinese, english) in texts.items():
        page.locator(f"#id_{field}_zh").fill(chinese)
        page.locator(f"#id_{field}_en").fill(english)
    page.locator("#id_trl").select_option("3")
    page.locator("#id_application_status").select_option("research")
    page.locator("#id_people-0-name").fill("Li Na")
    page.locator("#id_people-0-organisation_name").fill("Solid Cell Technology")
    page.locator("#id_people-0-role").fill("Project lead")
    page.locator("#id_patents-0-number").fill("CN114000001B")
    page.locator("#id_patents-0-title").fill("Sulfide electrolyte interlayer")
    for checkbox in page.locator("input[name=declarations]").all():
        checkbox.check()
    page.get_by_test_id("save-draft").click()
    page.wait_for_url(re.compile(r"/en/my/nominations/[\w-]+/edit/$"))
    nomination = Nomination.objects.get()
    code = nomination.code
    assert f"Draft saved as nomination {code}. You can come back to it at any time." in alerts(page)
    assert badge(page) == "Draft"

    # --- Materials: the stamped form, then the report with its progress bar. ----------------
    page.locator("#file-recommendation_form").set_input_files(str(stamped_form))
    page.get_by_test_id("upload-recommendation_form").locator("button[type=submit]").click()
    page.get_by_test_id("material-recommendation_form").get_by_role(
        "link", name="stamped-form.png"
    ).wait_for()

    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 100_000},
    )
    page.locator("#file-technical_report").set_input_files(str(report))
    page.get_by_test_id("upload-technical_report").locator("button[type=submit]").click()
    upload = page.get_by_test_id("upload-technical_report")
    upload.get_by_role("progressbar").wait_for()
    upload.locator(".js-upload-progress-text").filter(has_text="Uploading…").wait_for()
    snap(
        page.locator("#material-technical_report"),
        path=str(folder / "journey-01-report-uploading.png"),
    )
    page.get_by_test_id("material-technical_report").get_by_role(
        "link", name="technical-report.pdf"
    ).wait_for(timeout=30_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    assert sorted(Attachment.objects.values_list("kind", "original_name")) == [
        ("recommendation_form", "stamped-form.png"),
        ("technical_report", "technical-report.pdf"),
    ]

    # --- Submit: nothing missing, one click, the badge and the timeline say so. -------------
    page.goto(f"/en/my/nominations/{code}/")
    page.get_by_test_id("go-submit").click()
    page.wait_for_url(f"{live_server.url}/en/my/nominations/{code}/submit/")
    assert page.get_by_test_id("complete").inner_text() == (
        "Everything required is there. Check it once more, then submit."
    )
    page.get_by_test_id("submit-nomination").click()
    page.wait_for_url(f"{live_server.url}/en/my/nominations/{code}/")
    assert f"Nomination {code} is submitted. We have sent you a confirmation by e-mail." in alerts(
        page
    )
    assert badge(page) == "Submitted"
    assert timeline(page)[-1] == "submitted"
    snap(page, path=str(folder / "journey-02-submitted.png"), full_page=True)

    # --- The secretariat returns it for correction, with a reason and a deadline. -----------
    deadline = timezone.localtime(timezone.now() + timedelta(days=7)).replace(
        second=0, microsecond=0
    )
    _secretariat_context, secretariat = new_tab()
    sign_in(secretariat, organiser.email, PASSWORD)
    decide(
        secretariat,
        code,
        "Returned for correction",
        reason=REASON,
        deadline=deadline.strftime("%Y-%m-%dT%H:%M"),
    )
    assert f"{code}: Returned for correction. The nominator is told by e-mail." in alerts(
        secretariat
    )
    snap(secretariat, path=str(folder / "journey-03-returned-queue.png"), full_page=True)

    # --- The nominator reads why, corrects the text and submits again. ----------------------
    page.reload()
    assert badge(page) == "Returned for correction"
    returned = page.locator("#main .alert-warning").first.locator("p").all_inner_texts()
    assert returned == [
        "Returned for correction: please correct and submit again before "
        f"{deadline:%Y-%m-%d %H:%M} (Beijing time).",
        REASON,
    ]
    assert timeline(page)[-2:] == ["submitted", "returned"]
    assert page.get_by_test_id("timeline-item").last.inner_text().endswith(REASON)
    snap(page, path=str(folder / "journey-04-returned-nominator.png"), full_page=True)

    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url(f"{live_server.url}/en/my/nominations/{code}/edit/")
    page.locator("#id_application_en").fill(
        "Pilot line planned for 2030; the signed and stamped form is uploaded again."
    )
    page.locator("#file-recommendation_form").set_input_files(str(stamped_form))
    page.get_by_test_id("upload-recommendation_form").locator("button[type=submit]").click()
    page.get_by_test_id("material-recommendation_form").get_by_text("version 2").wait_for()
    page.get_by_role("button", name="Save and review for submission").click()
    page.wait_for_url(f"{live_server.url}/en/my/nominations/{code}/submit/")
    page.get_by_test_id("submit-nomination").click()
    page.wait_for_url(f"{live_server.url}/en/my/nominations/{code}/")
    assert badge(page) == "Submitted"

    # --- The secretariat finds it eligible. ---------------------------------------------------
    decide(secretariat, code, "Eligible")
    assert f"{code}: Eligible. The nominator is told by e-mail." in alerts(secretariat)
    secretariat.goto(f"/en/organiser/formal-check/{code}/")
    assert badge(secretariat) == "Eligible"

    page.reload()
    assert badge(page) == "Eligible"
    assert timeline(page) == ["draft", "submitted", "returned", "submitted", "eligible"]
    snap(page, path=str(folder / "journey-05-eligible.png"), full_page=True)
    # Each change was e-mailed to the nominator, in English (the account's language).
    assert [m.subject for m in mail.outbox if m.to == [EMAIL]][1:] == [
        f"WNEVC nomination {code}: {state}"
        for state in ("Submitted", "Returned for correction", "Submitted", "Eligible")
    ]

    nomination.refresh_from_db()
    user = User.objects.get(email=EMAIL)
    assert (nomination.state, nomination.channel, nomination.created_by) == (
        NominationState.ELIGIBLE,
        Channel.OPEN,
        user,
    )
    assert (nomination.organisation.name_en, user.organisation) == (
        "Solid Cell Technology Co., Ltd.",
        nomination.organisation,
    )
    assert (nomination.title_zh, nomination.title_en) == texts["title"]
    assert nomination.application_en.endswith("the signed and stamped form is uploaded again.")
    assert [
        (check.decision, check.reason, check.decided_by)
        for check in FormalCheck.objects.filter(nomination=nomination).order_by("decided_at")
    ] == [
        (FormalCheck.Decision.RETURNED, REASON, organiser),
        (FormalCheck.Decision.ELIGIBLE, "", organiser),
    ]
    assert sorted(
        nomination.attachments.filter(kind="recommendation_form").values_list("version", flat=True)
    ) == [1, 2]
    assert [(p.name, p.role) for p in nomination.key_people.all()] == [("Li Na", "Project lead")]
    assert list(nomination.patents.values_list("number", flat=True)) == ["CN114000001B"]
    assert nomination.declarations.count() == 3
