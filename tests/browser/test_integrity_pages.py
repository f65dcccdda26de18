"""The pages of issue 9 on a phone and on a desk, in both languages (screenshots, with
WNEVC_SCREENSHOTS=1, under WNEVC_SHOTS/integrity/): the teller's secret, the count with an
error, an organiser's round in each state (open with tellers and a late conflict, awaiting the
count, voided before the count, closed with an unfilled place, the vacancy run-off form), the
publication dashboard with an upheld objection awaiting its consequence, the objection's page,
the public notice and results with a removal and a vacancy, the shortlist acknowledgement on
the ranking page, and the admin as an organiser.

Each page, at 390 px, must be no wider than the screen (no sideways scrolling)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from publication import services as publication
from review.services import add_conflict
from submissions.models import Nomination
from tests.browser.conftest import snap
from tests.factories import CategoryFactory, UserFactory
from tests.review.scoring_helpers import assign, make_entry, make_expert, preliminary_edition
from tests.voting import tellers
from tests.voting.factories import finalist
from voting import runoffs, services
from voting.models import PlaceDecision

from . import test_final_evaluation_journey as journey

_no_mfa = journey._no_mfa
edition = journey.edition
committee = journey.committee
open_tab = journey.open_tab

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


LANGUAGES = ("zh-hans", "en")
WIDTHS = (1280, 390)


class Shooter:
    """Screenshots of a page at every width; the widths at which the page scrolls sideways."""

    def __init__(self, folder):
        self.folder = folder
        self.too_wide: list[str] = []

    def shoot(self, page, name: str, language: str) -> None:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            snap(page, path=str(self.folder / f"{name}-{language}-{width}.png"), full_page=True)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                self.too_wide.append(f"{name} ({language}) at {width} px: {scroll} px wide")
        page.set_viewport_size({"width": 1280, "height": 900})

    def visit(self, page, name: str, path: str) -> None:
        """`path` without the language prefix; shot in each language at each width."""
        for language in LANGUAGES:
            page.goto(f"/{language}{path}")
            self.shoot(page, name, language)


def in_an_hour():
    return timezone.now() + timedelta(hours=1)


def test_the_integrity_pages_fit_a_phone_in_both_languages(open_tab, edition, committee, shots):
    shooter = Shooter(shots("integrity"))
    organiser = UserFactory(roles=["organiser"], preferred_language="zh-hans")
    category = edition.categories.get(code="cutting_edge")
    members = list(committee.values())
    code = {n.code: n for n in Nomination.objects.filter(edition=edition)}

    # Teller home: the secret made, shown once (one new teller per language).
    for language in LANGUAGES:
        teller = UserFactory(roles=["organiser"], preferred_language="en")
        tab = open_tab(teller, language=language)
        tab.goto(f"/{language}/final/teller/")
        shooter.shoot(tab, "teller-home-before", language)
        tab.get_by_test_id("make-secret").click()
        tab.get_by_test_id("teller-secret").wait_for()
        shooter.shoot(tab, "teller-home-secret-shown", language)

    secretariat = open_tab(organiser, language="zh-hans")
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=in_an_hour()
    )
    for expert in members[:2]:
        services.cast_ballot(round=round, voter=expert, choices=["2031-CE-001"])
    add_conflict(
        expert=committee["B"], nomination=code["2031-CE-002"], reason="新雇主", actor=organiser
    )
    shooter.visit(secretariat, "round-open-late-conflict", f"/final/organiser/rounds/{round.pk}/")

    services.cast_ballot(round=round, voter=committee["C"], choices=["2031-CE-001"])
    services.close_round(round=round, actor=organiser)
    shooter.visit(secretariat, "round-awaiting-count", f"/final/organiser/rounds/{round.pk}/")

    # The count, refused with one secret only: the message in each language.
    first_teller = round.tellers.order_by("position").first().teller.user
    counter = open_tab(first_teller, language="en")
    for language in LANGUAGES:
        counter.goto(f"/{language}/final/rounds/{round.pk}/count/")
        form = counter.get_by_test_id("count-form")
        form.locator("input[type=text]").first.fill(tellers.secrets_of(round)[0])
        form.locator("button[type=submit]").click()
        counter.get_by_test_id("count-error").wait_for()
        shooter.shoot(counter, "count-error", language)

    # A second category whose round is voided before its count, then held again and certified.
    other = CategoryFactory(edition=edition, code="innovative", winners_quota=1)
    for number in (1, 2):
        finalist(other, code=f"2031-IN-00{number}", title_zh=f"创新技术{number}号")
    voided = tellers.open_round(
        edition=edition, category=other, actor=organiser, closes_at=in_an_hour()
    )
    services.cast_ballot(round=voided, voter=committee["A"], choices=["2031-IN-001"])
    voided = services.void_round(
        round=voided, actor=organiser, reason="委员B在投票开启后与2031-IN-001的申报单位建立合作。"
    )
    shooter.visit(secretariat, "round-voided", f"/final/organiser/rounds/{voided.pk}/")
    again = tellers.rerun_round(round=voided, actor=organiser, closes_at=in_an_hour())
    for expert in members:
        services.cast_ballot(round=again, voter=expert, choices=["2031-IN-001"])
    tellers.close_round(round=again, actor=organiser)
    services.certify_round(round=again, actor=organiser)

    tellers.count(round, actor=organiser)
    shooter.visit(secretariat, "round-closed-unfilled", f"/final/organiser/rounds/{round.pk}/")

    services.certify_round(
        round=round, actor=organiser, unfilled="runoff", reason="只有一项技术过半。"
    )
    shooter.visit(secretariat, "vacancy-runoff-form", f"/final/organiser/rounds/{round.pk}/")

    runoff = runoffs.open_vacancy_runoff(
        decision=PlaceDecision.objects.get(round=round),
        actor=organiser,
        closes_at=in_an_hour(),
        tellers=tellers.make_tellers(),
    )
    for expert in members:
        services.cast_ballot(round=runoff, voter=expert, choices=["2031-CE-003"])
    tellers.close_round(round=runoff, actor=organiser)
    services.certify_round(round=runoff, actor=organiser)

    # The notice, an objection upheld against a proposed winner, awaiting its consequence.
    notice = publication.open_notice(edition=edition, actor=organiser)
    objection = publication.file_objection(
        edition=edition,
        nomination=code["2031-CE-001"],
        name="李四",
        email="li@example.org",
        reason="该技术的核心专利归属存在争议。The core patent is disputed.",
    )
    publication.resolve_objection(
        objection=objection, actor=organiser, upheld=True, reasoning="经核实，异议成立。"
    )
    shooter.visit(secretariat, "publication-dashboard-upheld", "/final/organiser/publication/")
    shooter.visit(
        secretariat, "objection-consequence", f"/final/organiser/objections/{objection.pk}/"
    )

    publication.remove_proposed_winner(
        objection=objection, actor=organiser, reasons="核心专利归属不清。Patent ownership unclear."
    )
    runoffs.decide_freed_places(
        category=category, actor=organiser, decision="vacant", reason="委员会决定名额空缺。"
    )
    public = open_tab(None)
    shooter.visit(public, "public-notice-removal-vacancy", "/notice/")

    notice.refresh_from_db()
    notice.notice_opens_at = timezone.now() - timedelta(days=31)
    notice.notice_closes_at = timezone.now() - timedelta(seconds=1)
    notice.save()
    publication.publish(edition=edition, actor=organiser)
    shooter.visit(public, "public-results-removal-vacancy", f"/results/{edition.year}/")

    shooter.visit(secretariat, "admin-as-organiser", "/admin/")

    assert shooter.too_wide == []


def test_the_shortlist_acknowledgement_fits_a_phone_in_both_languages(open_tab, shots):
    now = timezone.now()
    edition = preliminary_edition(
        year=2031, opens=now - timedelta(days=1), closes=now + timedelta(days=10)
    )
    expert = make_expert(edition, language="en")
    for entry in (make_entry(edition), make_entry(edition)):
        assign(expert, entry)
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    shooter = Shooter(shots("integrity"))
    tab = open_tab(organiser, language="en")

    shooter.visit(tab, "ranking-acknowledgement", "/review/ranking/")

    assert tab.locator("input[name=acknowledged]").count() >= 1
    assert shooter.too_wide == []
