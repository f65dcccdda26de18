"""In Chromium: the secretariat opens its own recommendation from the check page, changes a
text, and the page saves it in the background (its own autosave URL), in both languages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from submissions.models import Category
from submissions.recommendations import create_secretariat_nomination
from submissions.stages import Stage
from tests.browser.conftest import snap
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    DirectionFactory,
    EditionFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = {"en": "Draft saved automatically at", "zh-hans": "草稿已于"}


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def recommendation():
    edition = EditionFactory(is_current=True)
    StageWindowFactory(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=10),
    )
    category = CategoryFactory(edition=edition, code=Category.Code.CUTTING_EDGE)
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    nomination = create_secretariat_nomination(
        edition=edition,
        organisation=OrganisationFactory(name_zh="海川氢能", name_en="Haichuan Hydrogen"),
        actor=organiser,
        category=category,
        direction=DirectionFactory(edition=edition),
        title_zh="液态有机储氢",
        title_en="Liquid organic hydrogen carrier",
    )
    return organiser, nomination


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_organiser_edits_and_the_page_autosaves(page, recommendation, shots, language):
    organiser, nomination = recommendation
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(organiser.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").first.click()

    page.goto(f"/{language}/organiser/formal-check/{nomination.code}/")
    page.get_by_test_id("secretariat-edit").click()
    page.wait_for_url(re.compile(rf"/{language}/organiser/recommend/{nomination.code}/edit/$"))
    page.locator("#id_summary_en").fill("Hydrogen bound to a carrier liquid at ambient pressure.")
    page.locator("#id_summary_en").dispatch_event("change")

    page.locator("#autosave-status .text-success").filter(has_text=SAVED[language]).wait_for()
    nomination.refresh_from_db()
    assert nomination.summary_en == "Hydrogen bound to a carrier liquid at ambient pressure."
    assert nomination.version == 2
    snap(page, path=str(shots("journeys") / f"secretariat-edit-{language}.png"), full_page=False)
