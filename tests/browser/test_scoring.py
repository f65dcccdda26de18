"""In a real browser: an expert scores two entries (autosave, then submit), and the secretariat
sees the ranking, confirms the shortlist and then the finalists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import Review
from submissions.models import Nomination
from tests.browser.conftest import snap
from tests.factories import PASSWORD, UserFactory
from tests.review.scoring_helpers import assign, make_entry, make_expert, preliminary_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


def sign_in(page, user, language="en"):
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").first.click()


def score_entry(page, code, score):
    page.goto(f"/en/review/entries/{code}/")
    criteria = page.locator("[data-testid=criterion]")
    for index in range(criteria.count()):
        criteria.nth(index).locator("label.score-button", has_text=str(score)).first.click()
        if index == 0:
            # The first choice is saved in the background before anything is submitted.
            page.locator("#autosave-status .text-success").wait_for()
    page.locator("label", has_text="High").click()
    page.locator("textarea[name=comment]").fill(f"Score {score}: consistent results.")
    page.locator("button[name=submit]").click()
    # The submission waits for a save still on its way, then reloads the page with a message.
    page.locator("#main .alert-success").wait_for()


def test_an_expert_scores_two_entries_and_the_secretariat_confirms_the_finalists(page, shots):
    now = timezone.now()
    edition = preliminary_edition(
        year=2031, opens=now - timedelta(days=1), closes=now + timedelta(days=10)
    )
    expert = make_expert(edition, language="en")
    expert.user.set_password(PASSWORD)
    expert.user.save()
    first, second = make_entry(edition), make_entry(edition)
    for entry in (first, second):
        assign(expert, entry)
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    folder = shots("scoring")

    sign_in(page, expert.user)
    page.goto("/en/review/")
    assert page.locator("[data-testid=assignment-row]").count() == 2
    score_entry(page, first.code, 8)
    snap(page, path=str(folder / "browser_entry_submitted.png"), full_page=True)
    assert "is submitted" in page.locator("#main .alert-success").inner_text()
    score_entry(page, second.code, 6)
    page.goto("/en/review/")
    assert page.locator("[data-status=submitted]").count() == 2

    page.goto("/en/accounts/logout/")
    page.locator("#main form button[type=submit]").first.click()
    sign_in(page, organiser)
    page.goto("/en/review/ranking/")
    rows = page.locator("[data-testid=ranking-cutting_edge] [data-testid=ranking-row]")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-code") == first.code
    assert rows.nth(0).locator("[data-testid=mean]").inner_text() == "8.00"
    assert rows.nth(1).locator("[data-testid=mean]").inner_text() == "6.00"
    snap(page, path=str(folder / "browser_ranking.png"), full_page=True)

    # The review window is still open: the page says so and asks for an acknowledgement.
    section = page.locator("[data-testid=category-cutting_edge]")
    assert "still open" in section.locator("[data-testid=shortlist-gaps]").inner_text()
    with page.expect_navigation():
        section.locator("[data-testid=confirm-shortlist]").click()
    assert page.locator("[data-testid=shortlist-error]").count() == 1
    assert Nomination.objects.filter(state="in_review").count() == 2
    section.locator("input[name=acknowledged]").check()
    section.locator("textarea[name=acknowledgement]").fill("Every assigned review is in.")
    with page.expect_navigation():
        section.locator("[data-testid=confirm-shortlist]").click()
    with page.expect_navigation():
        page.locator("[data-testid=category-cutting_edge] [data-testid=confirm-finalists]").click()

    assert "Decided: 2 finalists." in page.content()
    assert "Decided: 0" not in page.content()  # the innovative category has nothing yet
    assert sorted(Nomination.objects.values_list("state", flat=True)) == ["finalist", "finalist"]
    assert list(Review.objects.values_list("state", flat=True)) == ["submitted", "submitted"]
