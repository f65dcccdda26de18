"""The approval ballot counts the choices as they are ticked and stops one beyond the quota."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import console_errors, snap
from tests.browser.test_conflicts import sign_in
from tests.factories import UserFactory
from tests.review.committee_helpers import committee_edition, url
from tests.voting import tellers
from tests.voting.factories import ExpertFactory, finalist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


def test_a_choice_beyond_the_quota_is_stopped_as_it_is_ticked_on_a_phone(
    browser, live_server, shots
):
    edition = committee_edition()
    category = edition.categories.get(code="cutting_edge")
    items = [finalist(category, code=f"2031-CE-00{i}") for i in (1, 2, 3)]
    member = ExpertFactory(edition=edition, name_zh="委员甲").user
    round = tellers.open_round(
        edition=edition,
        category=category,
        actor=UserFactory(roles=["organiser"]),
        quota=2,
        closes_at=timezone.now() + timedelta(days=2),
    )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    page = context.new_page()
    errors = console_errors(page)
    sign_in(page, member, "zh-hans")
    page.goto(url("voting:member_ballot", "zh-hans", pk=round.pk))
    counter = page.locator("[data-testid=ballot-counter]")
    expect(counter).to_have_text("已选 0 项，最多 2 项")

    page.locator(f"#choice-{items[0].code}").check()
    page.locator(f"#choice-{items[1].code}").check()
    page.locator(f"#choice-{items[2].code}").click()

    # The counter is redrawn after the click's default action has run (or been refused), in
    # a task of its own: expect() waits for it rather than reading it at once.
    expect(counter).to_have_text("已选 2 项，最多 2 项")
    assert page.locator(f"#choice-{items[2].code}").is_checked() is False
    assert page.locator("[data-testid=ballot-full]").is_visible()
    assert page.locator("[data-testid=ballot-full]").inner_text() == (
        "您已选择 2 项，已达本轮上限：请先取消一项，再选择其他项。"
    )
    snap(page, path=str(shots("phone") / "ballot_full_zh_390.png"), full_page=True)

    page.locator(f"#choice-{items[0].code}").uncheck()
    page.locator(f"#choice-{items[2].code}").check()

    expect(counter).to_have_text("已选 2 项，最多 2 项")
    assert page.locator("[data-testid=ballot-full]").is_hidden()
    assert errors == []
    context.close()
