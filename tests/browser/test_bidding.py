"""An expert bids on a phone (390 px) in Chinese: a tap saves the preference at once (htmx,
no inline script under the CSP), and the console stays clean."""

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import Bid
from submissions.stages import Stage
from tests.browser.conftest import snap
from tests.factories import PASSWORD, StageWindowFactory
from tests.review.scoring_helpers import make_entry, make_expert, preliminary_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


def test_an_expert_bids_on_a_phone_and_the_choice_is_saved_at_once(browser, live_server, shots):
    now = timezone.now()
    edition = preliminary_edition(opens=now + timedelta(days=7), closes=now + timedelta(days=30))
    StageWindowFactory(
        edition=edition,
        stage=Stage.BIDDING,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=6),
    )
    expert = make_expert(edition, name="Phone")
    entries = [make_entry(edition) for _ in range(3)]
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto("/zh-hans/accounts/login/")
    page.locator("input[name=login]").fill(expert.user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").first.click()
    page.goto("/zh-hans/review/bids/")
    assert page.locator("[data-testid=bid-row]").count() == 3
    page.locator(f"label[for=bid-{entries[1].code}-eager]").click()
    page.locator(f"#bid-status-{entries[1].code} [role=status]").wait_for()

    assert list(Bid.objects.values_list("nomination_id", "preference")) == [
        (entries[1].pk, Bid.Preference.EAGER)
    ]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    snap(page, path=str(shots("bidding") / "browser_bidding_phone.png"), full_page=True)
    context.close()
