"""The final evaluation in Chromium (issue 5), through the real pages only: the secretariat opens
an approval round over four finalists (quota 2); three members vote, each in a browser of their
own (ballot, confirmation, tracker); the round closes in a three-way tie across the line, so the
secretariat opens the proposed run-off; the members vote again; both rounds are closed,
counted by two of their three tellers (who made their own secrets on the teller page), and
certified; the public notice opens, ends (the clock moves on), and the results are published.
The public then reads the results page in Chinese and English, the open data and the bulletin,
in which each member finds their tracker with the choices they cast."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from submissions.models import Nomination
from tests.browser.conftest import snap
from tests.factories import PASSWORD, CategoryFactory, OrganisationFactory, UserFactory
from tests.voting.factories import ExpertFactory, finalist
from voting.models import BallotRound, Publication, RoundState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2031
FINALISTS = {
    # code: (title_zh, title_en, organisation_zh, organisation_en)
    "2031-CE-001": (
        "全固态锂金属电池",
        "All-solid-state lithium-metal battery",
        "清华大学",
        "Tsinghua University",
    ),
    "2031-CE-002": (
        "钠离子电池低温电解液",
        "Low-temperature sodium-ion electrolyte",
        "中科院物理所",
        "Institute of Physics, CAS",
    ),
    "2031-CE-003": (
        "车规级碳化硅电驱",
        "Automotive silicon-carbide e-drive",
        "同济大学",
        "Tongji University",
    ),
    "2031-CE-004": (
        "氢燃料电池膜电极",
        "Fuel-cell membrane electrode assembly",
        "上海交通大学",
        "Shanghai Jiao Tong University",
    ),
}
# Round 1: CE-001, CE-002 and CE-003 each have 2 approvals of 3 (above half): three items tied
# for two places. The run-off among them: CE-001 (3) and CE-002 (2) win, CE-003 (1) does not.
FIRST_ROUND = {
    "A": ["2031-CE-001", "2031-CE-002"],
    "B": ["2031-CE-001", "2031-CE-003"],
    "C": ["2031-CE-002", "2031-CE-003"],
}
RUN_OFF = {
    "A": ["2031-CE-001", "2031-CE-002"],
    "B": ["2031-CE-001", "2031-CE-002"],
    "C": ["2031-CE-001", "2031-CE-003"],
}
WINNERS = ["2031-CE-001", "2031-CE-002"]


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def edition():
    from tests.factories import EditionFactory

    edition = EditionFactory(year=YEAR, is_current=True, committee_size=3)
    category = CategoryFactory(edition=edition, code="cutting_edge", winners_quota=2)
    for code, (title_zh, title_en, org_zh, org_en) in FINALISTS.items():
        organisation = OrganisationFactory(name_zh=org_zh, name_en=org_en)
        UserFactory(organisation=organisation, preferred_language="zh-hans")
        finalist(
            category, code=code, organisation=organisation, title_zh=title_zh, title_en=title_en
        )
    return edition


@pytest.fixture
def committee(edition):
    return {
        letter: ExpertFactory(edition=edition, name_en=f"Member {letter}", name_zh=f"委员{letter}")
        for letter in "ABC"
    }


@pytest.fixture
def open_tab(browser, live_server):
    """A browser context of its own per person (own cookies), signed in; all closed at the end."""
    contexts = []

    def open_for(user=None, language="en"):
        """Signed in as `user`, or a signed-out visitor when None."""
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if user is None:
            return page
        page.goto(f"/{language}/accounts/login/")
        page.locator("input[name=login]").fill(user.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("#main form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"/me/$"))
        return page

    yield open_for
    for context in contexts:
        context.close()


def in_an_hour() -> str:
    return timezone.localtime(timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def alerts(page) -> list[str]:
    return [text.strip() for text in page.locator("#main .alert").all_inner_texts()]


def vote(page, choices) -> str:
    """One member: the open round from the list, the ballot, the confirmation, the tracker."""
    page.goto("/en/final/")
    page.get_by_test_id("open-rounds").get_by_role("link", name="Vote").click()
    page.get_by_test_id("ballot-form").wait_for()
    assert page.get_by_test_id("ballot-item").count() in (3, 4)
    for code in choices:
        page.locator(f"#choice-{code}").check()
    page.get_by_role("button", name="Review my choices").click()
    confirm = page.get_by_test_id("confirm-choices")
    confirm.wait_for()
    assert [line.split(" · ")[0] for line in confirm.locator("li").all_inner_texts()] == choices
    page.get_by_role("button", name="Cast my ballot").click()
    tracker = page.get_by_test_id("tracker")
    tracker.wait_for()
    assert page.locator("h1").inner_text() == "Your ballot is cast"
    return tracker.inner_text().strip()


def make_teller_secret(page, language="en") -> str:
    """A teller makes their own secret on their teller page; it is shown once."""
    page.goto(f"/{language}/final/teller/")
    page.get_by_test_id("make-secret").click()
    secret = page.get_by_test_id("teller-secret")
    secret.wait_for()
    return secret.inner_text().strip()


def tick_tellers(form) -> None:
    boxes = form.get_by_test_id("teller-choices").locator("input[type=checkbox]")
    assert boxes.count() == 3
    for index in range(3):
        boxes.nth(index).check()


def close_and_read(secretariat, secrets) -> list[tuple[str, str]]:
    """Close: the round awaits its count; two tellers enter their secrets together."""
    secretariat.get_by_test_id("close-form").get_by_role("button").click()
    secretariat.get_by_test_id("awaiting-count").wait_for()
    assert secretariat.get_by_test_id("round-state").inner_text() == "Closed, awaiting the count"
    secretariat.get_by_test_id("count-link").click()
    form = secretariat.get_by_test_id("count-form")
    form.wait_for()
    form.locator("#id_secret_1").fill(secrets[0])
    form.locator("#id_secret_2").fill(secrets[1])
    form.get_by_role("button", name="Open and count the ballots").click()
    secretariat.get_by_test_id("result").wait_for()
    assert "The round's ballots are opened and counted." in alerts(secretariat)
    assert secretariat.get_by_test_id("round-state").inner_text() == "Closed"
    return secretariat.get_by_test_id("result")


def certify(secretariat):
    secretariat.get_by_test_id("certify-form").get_by_role("button").click()
    secretariat.get_by_test_id("certified").wait_for()
    assert "The result is certified." in alerts(secretariat)


def nav_on_one_line(page) -> bool:
    """At 1280 px every link of the navigation sits in one row (the same vertical middle,
    whatever its padding), and the brand beside it takes at most two lines."""
    middles = page.locator("#main-nav .nav-link").evaluate_all(
        "links => links.map(link => { const box = link.getBoundingClientRect();"
        " return Math.round(box.top + box.height / 2); })"
    )
    brand = page.locator(".brand-title").bounding_box()
    line = float(page.locator(".brand-title").evaluate("e => getComputedStyle(e).lineHeight")[:-2])
    return max(middles) - min(middles) <= 2 and brand["height"] <= 2 * line + 1


def test_round_tie_runoff_certify_notice_publish_and_public_results(
    live_server, open_tab, edition, committee, shots
):
    folder = shots("journeys")
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    secretariat = open_tab(organiser)
    members = {letter: open_tab(expert.user) for letter, expert in committee.items()}

    # --- Three tellers make their own secrets (one in Chinese); each is shown once. ---------
    second_teller = UserFactory(roles=["organiser"], preferred_language="zh-hans")
    third_teller = UserFactory(roles=["organiser"], preferred_language="en")
    secrets = [
        make_teller_secret(secretariat),
        make_teller_secret(open_tab(second_teller, "zh-hans"), "zh-hans"),
        make_teller_secret(open_tab(third_teller)),
    ]
    assert len(set(secrets)) == 3

    # --- The secretariat opens an approval round over the four finalists. -------------------
    secretariat.goto("/en/final/organiser/")
    secretariat.get_by_test_id("category-cutting_edge").get_by_role(
        "link", name="Open a round"
    ).click()
    secretariat.get_by_test_id("open-form").wait_for()
    assert secretariat.locator("#id_method").input_value() == "approval"
    assert secretariat.locator("#id_quota").input_value() == "2"
    secretariat.locator("#id_closes_at").fill(in_an_hour())
    tick_tellers(secretariat.get_by_test_id("open-form"))
    secretariat.get_by_role("button", name="Open the round").click()
    secretariat.get_by_test_id("turnout").wait_for()
    assert "The round is open." in alerts(secretariat)
    first = BallotRound.objects.get()
    assert (first.state, first.items.count(), first.voters.count()) == (RoundState.OPEN, 4, 3)

    # --- Three members vote, each in their own browser. -------------------------------------
    trackers = {letter: vote(members[letter], FIRST_ROUND[letter]) for letter in "ABC"}
    snap(members["A"], path=str(folder / "final-01-tracker.png"), full_page=True)
    secretariat.reload()
    assert (
        secretariat.get_by_test_id("turnout")
        .locator("p")
        .first.inner_text()
        .startswith("3 of 3 members have voted.")
    )

    # --- Closed: a three-way tie across the line proposes a run-off for both places. --------
    result = close_and_read(secretariat, [secrets[2], secrets[0]])
    assert secretariat.get_by_test_id("runoff-proposal").inner_text() == (
        "A tie across the quota line: 2031-CE-001, 2031-CE-002, 2031-CE-003 go to a run-off "
        "for 2 places left."
    )
    assert "Winners of this round:" not in result.inner_text()
    snap(secretariat, path=str(folder / "final-02-runoff-proposal.png"), full_page=True)
    certify(secretariat)
    runoff_form = secretariat.get_by_test_id("runoff-form")
    runoff_form.locator("input[name=closes_at]").fill(in_an_hour())
    tick_tellers(runoff_form)
    runoff_form.get_by_role("button", name="Open the run-off").click()
    secretariat.get_by_test_id("turnout").wait_for()
    runoff = BallotRound.objects.get(parent=first)
    assert sorted(runoff.items.values_list("code", flat=True)) == [
        "2031-CE-001",
        "2031-CE-002",
        "2031-CE-003",
    ]

    # --- The run-off: the members vote again; closed and certified. --------------------------
    runoff_trackers = {letter: vote(members[letter], RUN_OFF[letter]) for letter in "ABC"}
    result = close_and_read(secretariat, [secrets[1], secrets[2]])
    assert "Winners of this round: 2031-CE-001, 2031-CE-002" in result.inner_text()
    assert secretariat.get_by_test_id("runoff-proposal").count() == 0
    certify(secretariat)
    snap(secretariat, path=str(folder / "final-03-runoff-certified.png"), full_page=True)
    first.refresh_from_db()
    runoff.refresh_from_db()
    assert (first.state, runoff.state) == (RoundState.CERTIFIED, RoundState.CERTIFIED)
    assert first.result["runoff"] == {
        "items": ["2031-CE-001", "2031-CE-002", "2031-CE-003"],
        "places": 2,
    }
    assert runoff.result["winners"] == WINNERS

    # --- The public notice opens for a day; the public sees it linked and its proposals. ----
    notice_ends = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        second=0, microsecond=0
    )
    secretariat.goto("/en/final/organiser/publication/")
    secretariat.locator("input[name=closes_at]").fill(notice_ends.strftime("%Y-%m-%dT%H:%M"))
    secretariat.get_by_role("button", name="Open the notice").click()
    secretariat.wait_for_url(re.compile(r"/en/final/organiser/publication/$"))
    assert "The public notice is open." in alerts(secretariat)

    public = open_tab()  # a visitor, signed out
    public.goto("/en/")
    public.get_by_test_id("nav-notice").click()
    public.wait_for_url(re.compile(r"/en/notice/$"))
    proposed = public.get_by_test_id("notice-cutting_edge").inner_text()
    assert all(FINALISTS[code][1] in proposed for code in WINNERS)
    assert FINALISTS["2031-CE-003"][1] not in proposed
    snap(public, path=str(folder / "final-04-notice-en.png"))
    assert nav_on_one_line(public)

    # --- The notice ends (the clock moves past its end); the secretariat publishes. ----------
    with time_machine.travel(notice_ends + timedelta(minutes=5), tick=True):
        secretariat.reload()
        assert secretariat.get_by_test_id("notice-status").locator("h2").inner_text() == (
            "The notice has ended"
        )
        secretariat.get_by_test_id("publish").click()
        secretariat.wait_for_load_state()
        assert Publication.objects.get().published_at is not None

        # --- The public results page, in Chinese and in English, linked from the navigation.
        public.goto("/zh-hans/")
        public.get_by_test_id("nav-results").click()
        public.wait_for_url(re.compile(rf"/zh-hans/results/{YEAR}/$"))
        assert public.get_by_test_id("nav-results").inner_text() == "评选结果"
        winners_zh = public.locator("[data-testid=results-cutting_edge] .is-winner h3")
        assert winners_zh.all_inner_texts() == [FINALISTS[code][0] for code in WINNERS]
        snap(public, path=str(folder / "final-05-results-zh.png"), full_page=True)

        public.goto(f"/en/results/{YEAR}/")
        winners_en = public.locator("[data-testid=results-cutting_edge] .is-winner h3")
        assert winners_en.all_inner_texts() == [FINALISTS[code][1] for code in WINNERS]
        assert public.get_by_test_id("nav-results").inner_text() == "Results"
        assert nav_on_one_line(public)
        snap(public, path=str(folder / "final-06-results-en.png"), full_page=True)

        # --- The open data and the bulletin. -------------------------------------------------
        results = public.request.get(f"/results/{YEAR}.json").json()
        bulletin = public.request.get(f"/results/{YEAR}/bulletin.json").json()

    [category] = results["categories"]
    assert (results["year"], category["code"], category["quota"]) == (YEAR, "cutting_edge", 2)
    assert [
        (w["code"], w["title_zh"], w["title_en"], w["organisation_zh"], w["organisation_en"])
        for w in category["winners"]
    ] == [(code, *FINALISTS[code]) for code in WINNERS]
    assert [w["approvals"] for w in category["winners"]] == [3, 2]

    assert [(r["category"], r["method"], r["quota"], r["void"]) for r in bulletin["rounds"]] == [
        ("cutting_edge", "approval", 2, False),
        ("cutting_edge", "approval", 2, False),
    ]
    for held, cast in zip(bulletin["rounds"], (FIRST_ROUND, RUN_OFF), strict=True):
        trackers_of_round = trackers if cast is FIRST_ROUND else runoff_trackers
        published = {ballot["tracker"]: sorted(ballot["choices"]) for ballot in held["ballots"]}
        assert published == {trackers_of_round[m]: sorted(cast[m]) for m in "ABC"}
    # Anyone can recount the bulletin; it agrees with the published winners.
    call_command("verify_bulletin", year=YEAR)

    states = dict(Nomination.objects.values_list("code", "state"))
    assert states == {
        "2031-CE-001": "winner",
        "2031-CE-002": "winner",
        "2031-CE-003": "not_selected",
        "2031-CE-004": "not_selected",
    }
