"""Decisions that say what they leave open, in Chromium (issue 9, part 5): a round that fills
one of its two places is certified only with the committee's choice for the other; the
secretariat, in Chinese, is refused without a choice (the reason typed is kept), chooses a
vacancy run-off, and opens it among the round's other finalists."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import snap
from tests.factories import UserFactory
from tests.voting import tellers
from voting import services
from voting.models import BallotRound, PlaceDecision, RoundKind, RoundState

from . import test_final_evaluation_journey as journey

# The journey's fixtures: its edition with four finalists, its committee, a tab per person.
_no_mfa = journey._no_mfa
edition = journey.edition
committee = journey.committee
open_tab = journey.open_tab
in_an_hour = journey.in_an_hour

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_certifying_an_unfilled_place_asks_for_the_choice_and_opens_the_vacancy_runoff(
    open_tab, edition, committee, shots
):
    organiser = UserFactory(roles=["organiser"], preferred_language="zh-hans")
    category = edition.categories.get(code="cutting_edge")
    round = tellers.open_round(
        edition=edition,
        category=category,
        actor=organiser,
        closes_at=timezone.now() + timedelta(hours=1),
    )
    for expert in committee.values():
        services.cast_ballot(round=round, voter=expert, choices=["2031-CE-001"])
    tellers.close_round(round=round, actor=organiser)
    secretariat = open_tab(organiser, language="zh-hans")

    secretariat.goto(f"/zh-hans/final/organiser/rounds/{round.pk}/")
    warning = secretariat.get_by_test_id("unfilled-warning").inner_text()
    form = secretariat.get_by_test_id("certify-form")
    form.locator("textarea[name=reason]").fill("只有一项技术过半。")
    form.get_by_role("button").click()
    secretariat.get_by_test_id("certify-form").wait_for()
    kept = secretariat.locator("textarea[name=reason]").input_value()
    round.refresh_from_db()
    state_after_refusal = round.state
    secretariat.locator("input[name=unfilled][value=runoff]").check()
    secretariat.get_by_test_id("certify-form").get_by_role("button").click()
    secretariat.get_by_test_id("certified").wait_for()
    snap(secretariat, path=str(shots("journeys") / "decisions-unfilled-zh.png"))
    runoff_form = secretariat.get_by_test_id("vacancy-runoff-form")
    runoff_form.locator("input[name=closes_at]").fill(in_an_hour())
    for box in runoff_form.locator("input[name=tellers]").all()[:3]:
        box.check()
    runoff_form.get_by_role("button").click()
    secretariat.wait_for_url(re.compile(r"/zh-hans/final/organiser/rounds/\d+/$"))
    secretariat.get_by_test_id("turnout").wait_for()

    runoff = BallotRound.objects.get(parent=round)
    decision = PlaceDecision.objects.get()
    assert "2 个名额中留下 1 个空缺" in warning
    assert kept == "只有一项技术过半。"
    assert state_after_refusal == RoundState.CLOSED
    assert (decision.decision, decision.reason, decision.runoff) == (
        "runoff",
        "只有一项技术过半。",
        runoff,
    )
    assert (runoff.kind, runoff.quota) == (RoundKind.VACANCY_RUNOFF, 1)
    assert sorted(runoff.items.values_list("code", flat=True)) == [
        "2031-CE-002",
        "2031-CE-003",
        "2031-CE-004",
    ]
