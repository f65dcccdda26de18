"""The re-check page's "What changed since the return" on a phone, in both languages: no wider
than the window, tables scroll with their cue, no clipped cell, no axe violation, a clean
console; the nomination list shows a returned nomination's status and deadline without
scrolling sideways."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from submissions import formal_check
from submissions.materials import add_attachment
from submissions.models import Category, Declaration, Nomination
from submissions.services import make_declarations, save_nomination, submit_nomination
from submissions.stages import Stage
from tests.browser.conftest import console_errors, snap
from tests.browser.test_every_page import AXE_TAGS, LAYOUT_PROBLEMS
from tests.factories import (
    CategoryFactory,
    DirectionFactory,
    EditionFactory,
    NominationFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)
from tests.submissions import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def returned(settings, tmp_path):
    """A nomination returned for correction: (organiser, nominator, code, upload)."""
    settings.WNEVC_REQUIRE_MFA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    edition = EditionFactory(is_current=True)
    StageWindowFactory(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=29),
    )
    CategoryFactory(edition=edition, code=Category.Code.CUTTING_EDGE)
    DirectionFactory(edition=edition)
    organisation = OrganisationFactory()
    nominator = UserFactory(organisation=organisation)
    organiser = UserFactory(roles=["organiser"])
    nomination = NominationFactory(
        edition=edition, organisation=organisation, created_by=nominator, code="2099-CE-001"
    )

    def upload(kind, name, pages=1):
        add_attachment(
            nomination=Nomination.objects.select_related("edition").get(pk=nomination.pk),
            kind=kind,
            upload=SimpleUploadedFile(name, samples.pdf_bytes(pages=pages), "application/pdf"),
            actor=nominator,
        )

    upload("recommendation_form", "stamped-recommendation-form.pdf")
    upload("technical_report", "technical-report-first-version.pdf")
    make_declarations(nomination=nomination, actor=nominator, kinds=Declaration.Kind.values)
    submit_nomination(nomination=Nomination.objects.get(pk=nomination.pk), actor=nominator)
    formal_check.decide(
        nomination=Nomination.objects.get(pk=nomination.pk),
        decision=formal_check.Decision.RETURNED,
        actor=organiser,
        reason="Please add the indicators against the state of the art.",
        correction_deadline=timezone.now() + timedelta(days=7),
    )
    return organiser, nominator, nomination, upload


@pytest.fixture
def resubmitted(returned):
    organiser, nominator, nomination, upload = returned
    current = Nomination.objects.get(pk=nomination.pk)
    save_nomination(
        nomination=current,
        actor=nominator,
        data={
            "version": current.version,
            "title_en": "Interface layer for solid-state cells, with its indicators",
            "indicators_zh": "循环寿命 3000 次，容量保持率 92%，优于现有水平。" * 4,
        },
    )
    upload("technical_report", "technical-report-second-version-with-indicators.pdf", pages=2)
    submit_nomination(nomination=Nomination.objects.get(pk=nomination.pk), actor=nominator)
    return organiser, nomination.code


def phone(browser, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    return context, page, console_errors(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_changes_since_the_return_fit_a_phone(browser, live_server, resubmitted, language, shots):
    organiser, code = resubmitted
    context, page, errors = phone(browser, live_server, organiser)

    page.goto(f"/{language}/organiser/formal-check/{code}/")
    page.wait_for_load_state("load")

    section = page.locator('[data-testid="changes-since-return"]')
    assert section.count() == 1
    assert page.locator('tr[data-field="title_en"]').count() == 1
    assert page.locator('tr[data-kind="technical_report"][data-change="replaced"]').count() == 1
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    violations = Axe().run(page, options={"runOnly": AXE_TAGS}).response["violations"]
    assert [v["id"] for v in violations] == []
    assert errors == []
    snap(section, path=str(shots("recheck") / f"changes_{language}_390.png"))
    context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_correction_deadline_fits_a_phone(browser, live_server, returned, language, shots):
    _organiser, nominator, nomination, _upload = returned
    context, page, errors = phone(browser, live_server, nominator)

    page.goto(f"/{language}/my/nominations/{nomination.code}/submit/")
    page.wait_for_load_state("load")

    assert page.locator('[data-testid="correction-deadline"]').count() == 1
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    violations = Axe().run(page, options={"runOnly": AXE_TAGS}).response["violations"]
    assert [v["id"] for v in violations] == []
    assert errors == []
    snap(page, path=str(shots("recheck") / f"deadline_{language}_390.png"))
    page.goto(f"/{language}/my/nominations/")
    page.wait_for_load_state("load")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    # Nothing of a nomination is reached by scrolling the list sideways: its status shows beside
    # the title, its correction deadline under it.
    table = page.get_by_test_id("nomination-table")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    assert page.locator(".nomination-state").is_visible()
    assert page.get_by_test_id("correction-deadline-phone").is_visible()
    snap(page, path=str(shots("recheck") / f"list_{language}_390.png"), full_page=True)
    context.close()
