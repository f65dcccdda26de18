"""The assignment by expertise through the pages: weights, why each pair scores what it does,
the run's proof of fairness, and the quality report against the direction-only assignment."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.models import AssignmentRun, AssignmentSettings, Bid
from review.services import assign_reviewers
from tests.factories import DirectionFactory, UserFactory
from tests.review.scoring_helpers import make_entry, make_expert, preliminary_edition, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def world():
    edition = preliminary_edition()
    battery, motor = DirectionFactory(edition=edition), DirectionFactory(edition=edition)
    chemist = make_expert(edition, name="Chemist")
    chemist.statement_zh = "固态电解质与锂金属负极界面，电池材料"
    chemist.statement_en = "Solid-state electrolytes and lithium-metal anode interfaces"
    chemist.save()
    chemist.directions.set([battery])
    engineer = make_expert(edition, name="Engineer")
    engineer.statement_en = "Motor control, silicon-carbide inverters, drive systems"
    engineer.save()
    engineer.directions.set([battery, motor])
    outsider = make_expert(edition, name="Outsider")
    entry = make_entry(
        edition,
        direction=battery,
        title_zh="硫化物固态电解质",
        title_en="Sulphide solid-state electrolyte",
        summary_zh="锂金属负极界面稳定的固态电解质。",
        summary_en="A solid electrolyte that keeps the lithium-metal anode interface stable.",
    )
    organiser = UserFactory(roles=["organiser"])
    return {
        "edition": edition,
        "chemist": chemist,
        "engineer": engineer,
        "outsider": outsider,
        "entry": entry,
        "organiser": organiser,
    }


def test_the_text_breaks_the_tie_between_two_experts_of_the_same_direction(world):
    summary = assign_reviewers(edition=world["edition"], per_entry=1, actor=world["organiser"])

    assert list(world["entry"].assignments.values_list("expert_id", flat=True)) == [
        world["chemist"].pk
    ]
    assert (summary["strong_places"], summary["strong_places_bound"]) == (1, 1)
    assert summary["bound"] - summary["objective"] < 1e-6


def test_an_unwilling_bid_lowers_the_affinity_but_is_not_a_conflict(world):
    Bid.objects.create(
        expert=world["chemist"], nomination=world["entry"], preference=Bid.Preference.UNWILLING
    )

    assign_reviewers(edition=world["edition"], per_entry=3, actor=world["organiser"])

    assert world["entry"].assignments.count() == 3


def test_the_organiser_saves_weights_and_a_bid_heavier_than_expertise_is_refused(client, world):
    client.force_login(world["organiser"])
    values = {
        "direction_weight": "1.5",
        "text_weight": "0.8",
        "bid_weight": "0.3",
        "strong_threshold": "0.7",
        "strong_minimum": "1",
    }

    client.post(url("review:assignment_settings"), values)
    refused = client.post(
        url("review:assignment_settings", language="zh-hans"), {**values, "bid_weight": "0.9"}
    )

    settings = AssignmentSettings.objects.get(edition=world["edition"])
    assert (settings.direction_weight, settings.bid_weight, settings.strong_minimum) == (
        Decimal("1.50"),
        Decimal("0.30"),
        1,
    )
    assert "评审意愿的权重须小于" in refused.content.decode()


def test_the_pair_page_and_the_table_say_why_the_pair_scores_what_it_does(client, world):
    client.force_login(world["organiser"])

    pair = client.get(
        url("review:assignment_pair", code=world["entry"].code, expert_id=world["outsider"].pk)
    ).content.decode()
    table = client.get(url("review:assignment_overview")).content.decode()

    assert "no comparable text" in pair and "other direction" in pair
    assert "direction matches" in table and "knows the field" in table


def test_the_quality_report_compares_with_the_direction_only_assignment(client, world):
    assign_reviewers(edition=world["edition"], per_entry=1, actor=world["organiser"])
    AssignmentRun.objects.create(
        edition=world["edition"],
        per_entry=1,
        state=AssignmentRun.State.DONE,
        summary={
            "quality": {
                "direction_only": {
                    "top_quarter_share": 0.0,
                    "direction_coverage": 1.0,
                    "entries_short_of_strong": 1,
                    "strong_histogram": [0, 1],
                }
            }
        },
    )
    client.force_login(world["organiser"])

    page = client.get(url("review:assignment_quality", language="zh-hans")).content.decode()

    assert page.count('data-testid="quality-row"') == 1
    assert page.count('data-testid="quality-worst"') == 1
    assert "质量报告" in page and "仅按技术方向" in page


def test_the_quality_report_query_count_does_not_grow_with_rows(client, world):
    client.force_login(world["organiser"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("review:assignment_quality"))
        return len(queries), response.content.decode().count('data-testid="quality-row"')

    one = count()
    make_entry(world["edition"])
    make_entry(world["edition"])
    three = count()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]


def test_experts_do_not_reach_the_quality_report(client, world):
    client.force_login(world["chemist"].user)

    assert client.get(url("review:assignment_quality")).status_code == 404


def test_every_expert_unwilling_empty_and_identical_statements_still_assign_and_explain(world):
    edition = world["edition"]
    for expert in (world["chemist"], world["engineer"], world["outsider"]):
        Bid.objects.create(
            expert=expert, nomination=world["entry"], preference=Bid.Preference.UNWILLING
        )
    # The chemist and the engineer write the same words; the outsider writes nothing.
    world["engineer"].statement_zh = world["chemist"].statement_zh
    world["engineer"].statement_en = world["chemist"].statement_en
    world["engineer"].save()
    make_entry(edition, title_zh="", summary_zh="", title_en="Only English", summary_en="")

    summary = assign_reviewers(edition=edition, per_entry=2, actor=world["organiser"])

    assert summary["coverage"] == 1.0
    assert summary["strong_places"] == summary["strong_places_bound"]
    assert summary["quality"]["chosen"]["pairs"] == 4
    assert world["entry"].assignments.count() == 2


def test_the_run_status_states_what_was_proved(client, world):
    summary = assign_reviewers(edition=world["edition"], per_entry=1, actor=world["organiser"])
    AssignmentRun.objects.create(
        edition=world["edition"], per_entry=1, state=AssignmentRun.State.DONE, summary=summary
    )
    client.force_login(world["organiser"])

    page = client.get(url("review:assignment_overview", language="zh-hans")).content.decode()

    assert "已证明" in page
    assert f"{summary['strong_places']} · {summary['strong_places_bound']}" in page


def test_the_bidding_list_holds_an_entry_for_a_committee_expert_without_a_conflict_only(world):
    from review.models import Conflict
    from review.queries import biddable_nominations

    Conflict.objects.create(
        expert=world["outsider"], nomination=world["entry"], source="declared", reason="Mine"
    )

    assert world["entry"] in biddable_nominations(world["chemist"])
    assert world["entry"] not in biddable_nominations(world["outsider"])


@pytest.fixture
def text_scorings(monkeypatch):
    """Each time the text affinity is computed: (entries, experts). The real function runs."""
    from review import assignment_data

    calls = []
    real = assignment_data.text_affinities

    def counted(entries, experts):
        calls.append((len(entries), len(experts)))
        return real(entries, experts)

    monkeypatch.setattr(assignment_data, "text_affinities", counted)
    return calls


def test_the_run_scores_the_texts_once_and_the_pages_read_the_scores_back(
    client, world, text_scorings
):
    assign_reviewers(edition=world["edition"], per_entry=1, actor=world["organiser"])
    assert text_scorings == [(1, 3)]
    client.force_login(world["organiser"])

    for _ in range(2):
        table = client.get(url("review:assignment_overview")).content.decode()
    pair = client.get(
        url("review:assignment_pair", code=world["entry"].code, expert_id=world["chemist"].pk)
    ).content.decode()
    client.get(url("review:assignment_quality"))

    assert text_scorings == [(1, 3)]
    assert "knows the field" in table and "direction matches" in pair


def test_an_edited_statement_is_scored_again_once(client, world, text_scorings):
    assign_reviewers(edition=world["edition"], per_entry=1, actor=world["organiser"])
    client.force_login(world["organiser"])
    world["outsider"].statement_en = "Sulphide solid electrolytes for lithium-metal anodes"
    world["outsider"].save()

    for _ in range(2):
        client.get(url("review:assignment_overview"))

    assert text_scorings == [(1, 3), (1, 3)]


def test_reading_the_kept_scores_costs_no_query(client, world):
    client.force_login(world["organiser"])

    def explanations(response):
        return [[cell["why"] for cell in row["cells"]] for row in response.context["table"]["rows"]]

    with CaptureQueriesContext(connection) as computing:
        first = client.get(url("review:assignment_overview"))
    with CaptureQueriesContext(connection) as reading:
        second = client.get(url("review:assignment_overview"))

    assert len(reading) == len(computing)
    assert explanations(second) == explanations(first)
    assert [why["text"] is not None for why in explanations(first)[0]] == [True, True, False]
