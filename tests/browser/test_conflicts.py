"""Conflicts in a real browser: the secretariat records a conflict of an assigned pair and is told
the assignment went; the page of an open ballot round flags a conflict recorded after it opened,
on a phone, in Chinese, with a clean console; an expert declares a conflict on a phone, the reason
box on the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import Assignment, Conflict
from review.services import add_conflict
from submissions.models import Nomination
from tests.browser.conftest import snap
from tests.factories import PASSWORD, UserFactory
from tests.review.committee_helpers import committee_edition, make_entry, make_expert, url
from tests.voting import tellers
from tests.voting.factories import ExpertFactory, finalist

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


def test_recording_a_conflict_of_an_assigned_pair_says_the_assignment_went(page, shots):
    edition = committee_edition()
    expert = make_expert(edition, name="Li")
    entry = make_entry(edition, code="2031-CE-001")
    Assignment.objects.create(expert=expert, nomination=entry)
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, organiser)
    page.goto(url("review:conflict_nomination", code=entry.code))
    page.locator("select[name=expert]").select_option(str(expert.pk))
    page.locator("textarea[name=reason]").fill("Same laboratory")
    with page.expect_navigation():
        page.locator("#main form button[type=submit]").last.click()

    assert "Li Expert was assigned to 2031-CE-001: the assignment was removed" in page.content()
    assert (Assignment.objects.count(), Conflict.objects.get().reason) == (0, "Same laboratory")
    assert errors == []
    snap(page, path=str(shots("conflicts") / "browser_conflict_removed.png"), full_page=True)


def test_the_round_page_flags_a_late_conflict_on_a_phone_in_chinese(browser, live_server, shots):
    edition = committee_edition()
    category = edition.categories.get(code="cutting_edge")
    items = [finalist(category, code=f"2031-CE-00{i}") for i in (1, 2)]
    committee = [ExpertFactory(edition=edition, name_zh=f"委员{c}") for c in "甲乙"]
    organiser = UserFactory(roles=["organiser"], preferred_language="zh-hans")
    round = tellers.open_round(
        edition=edition,
        category=category,
        actor=organiser,
        closes_at=timezone.now() + timedelta(days=2),
    )
    add_conflict(expert=committee[1], nomination=items[0], reason="新任职单位", actor=organiser)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, organiser, "zh-hans")
    page.goto(url("voting:organiser_round", "zh-hans", pk=round.pk))

    flag = page.locator("[data-testid=late-conflicts]")
    assert flag.is_visible()
    assert "投票轮次开启后登记的利益冲突" in flag.inner_text()
    assert page.locator("[data-testid=late-conflict]").count() == 1
    assert "委员乙" in flag.inner_text() and "2031-CE-001" in flag.inner_text()
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
    snap(page, path=str(shots("conflicts") / "browser_late_conflict.png"), full_page=True)
    context.close()


def test_an_expert_declares_a_conflict_with_its_reason_on_a_phone(browser, live_server, shots):
    """The reason box sits under the entry's title, on the screen: a column of its own was
    off a 390 px screen, reached only by scrolling the table sideways."""
    edition = committee_edition()
    expert = make_expert(edition, name="Wang")
    entries = [make_entry(edition, code=f"2031-CE-00{i}") for i in (1, 2)]
    Nomination.objects.update(
        title_zh="车载固体氧化物燃料电池增程系统",
        title_en="Thermoelectrochemical solid-oxide range extender",
    )
    # One recorded already: its row shows a badge where the others have a box to tick.
    add_conflict(expert=expert, nomination=entries[0], reason="本人成果", actor=expert.user)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, expert.user, "zh-hans")
    page.goto(url("review:declare", "zh-hans"))
    reason = page.get_by_label(f"原因 {entries[1].code}")
    box = reason.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator(f"input[name=conflict_{entries[1].pk}]").check()
    reason.fill("曾在该单位任职")
    with page.expect_navigation():
        page.get_by_role("button", name="保存申报").click()

    assert sorted(Conflict.objects.values_list("nomination__code", "reason")) == [
        ("2031-CE-001", "本人成果"),
        ("2031-CE-002", "曾在该单位任职"),
    ]
    assert errors == []
    snap(page, path=str(shots("conflicts") / "browser_declare_phone.png"), full_page=True)
    context.close()
