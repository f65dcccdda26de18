"""The secretariat builds the committee and assigns entries in a real browser; an invited
expert sets a password from the e-mailed link and is sent on to TOTP."""

import re

import pytest
from django.core import mail

from review.models import Assignment, Expert
from tests.browser.conftest import snap
from tests.factories import PASSWORD, UserFactory
from tests.review.committee_helpers import committee_edition, direction, make_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROSTER = (
    "name_zh,name_en,email,affiliation_zh,affiliation_en,title_zh,title_en,directions,language\n"
    "赵六,Zhao Liu,zhao.liu@example.cn,同济大学,Tongji University,教授,Professor,"
    "power-battery,en\n"
    "钱七,Qian Qi,qian.qi@example.cn,吉林大学,Jilin University,教授,Professor,"
    "power-battery;燃料电池,zh-hans\n"
    "孙八,Sun Ba,not-an-email,某研究院,Some Institute,,,flying-cars,zh-hans\n"
)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


def sign_in(page, user, language="en"):
    page.goto(f"/{language}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").first.click()


def test_organiser_imports_the_committee_assigns_and_an_expert_accepts(page, shots, tmp_path):
    edition = committee_edition(reviewers_per_entry=1)
    battery = direction(edition)
    entries = [make_entry(edition, code=f"2031-CE-00{i}", direction=battery) for i in (1, 2)]
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    folder = shots("committee")

    sign_in(page, organiser)
    page.goto("/en/review/committee/import/")
    page.set_input_files("input[name=file]", str(roster))
    with page.expect_navigation():
        page.locator("#main form[enctype] button[type=submit]").click()

    assert (
        page.locator("[data-testid=import-summary]")
        .inner_text()
        .startswith("2 rows can be imported.")
    )
    assert "“not-an-email” is not a valid e-mail address." in page.content()
    assert Expert.objects.count() == 0
    snap(page, path=str(folder / "browser_import_preview.png"), full_page=True)

    with page.expect_navigation():
        page.locator("[data-testid=confirm-import]").click()
    assert page.locator("[data-testid=expert-row]").count() == 2

    page.goto("/en/review/assignment/")
    with page.expect_navigation():
        page.locator("[data-testid=run-assignment]").click()
    page.locator("[data-testid=run-status][data-state=done]").wait_for()
    assert page.locator("[data-testid=conflicts-assigned]").inner_text() == "0"
    assert page.locator("td.cell-assigned").count() == 2
    assert sorted(Assignment.objects.values_list("nomination__code", flat=True)) == [
        e.code for e in entries
    ]
    snap(page, path=str(folder / "browser_assignment.png"), full_page=True)

    page.goto("/en/review/committee/")
    with page.expect_navigation():
        page.locator("[data-testid=invite-all]").click()
    assert page.locator("[data-status=invited]").count() == 2
    message = next(m for m in mail.outbox if m.to == ["zhao.liu@example.cn"])
    link = re.search(r"/en/review/invitation/\S+/", message.body).group(0)

    page.context.clear_cookies()
    page.goto(link)
    page.locator("input[name=new_password1]").fill("Committee-2031-pass")
    page.locator("input[name=new_password2]").fill("Committee-2031-pass")
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").click()

    assert "/en/accounts/2fa/totp/activate" in page.url
    assert Expert.objects.get(user__email="zhao.liu@example.cn").accepted_at is not None
