"""The secretariat's ranking page (numbers, charts, constant queries), shortlist and finalists,
progress with reminders, criteria weights, and the XLSX download. Organisers only."""

from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.models import AuditEvent
from review import scoring
from review.models import Criterion
from submissions.models import Nomination
from tests.factories import UserFactory
from tests.i18n_checks import assert_main_is_chinese, assert_main_is_english
from tests.review.scoring_helpers import (
    DURING,
    assign,
    criteria,
    make_entry,
    make_expert,
    preliminary_edition,
    url,
    write_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def organiser(client):
    user = UserFactory(roles=["organiser"])
    client.force_login(user)
    return user


def test_the_ranking_pages_are_for_organisers_only(client):
    edition = preliminary_edition()
    expert = make_expert(edition)
    client.force_login(expert.user)

    statuses = [
        client.get(url("scoring:ranking")).status_code,
        client.get(url("scoring:progress")).status_code,
        client.get(url("scoring:criteria")).status_code,
        client.get(url("scoring:export")).status_code,
        client.post(url("scoring:shortlist", code="cutting_edge")).status_code,
        client.post(url("scoring:finalists", code="cutting_edge")).status_code,
        client.post(url("scoring:remind")).status_code,
    ]

    assert statuses == [404] * 7


def test_ranking_shows_the_numbers_of_review_scoring_and_the_charts(client, organiser):
    edition = preliminary_edition()
    ce = criteria(edition)
    Criterion.objects.filter(pk=ce[0].pk).update(weight=Decimal("2"))
    experts = [make_expert(edition, name=n) for n in ("A", "B")]
    strong, weak = make_entry(edition), make_entry(edition)
    values = {(strong, 0): [9, 8, 8, 9], (strong, 1): [7, 6, 7, 8], (weak, 0): [4, 5, 5, 3]}
    for (entry, index), scores in values.items():
        write_review(assign(experts[index], entry), scores)

    page = client.get(url("scoring:ranking")).content.decode()

    weights = {c.pk: (2.0 if c.pk == ce[0].pk else 1.0) for c in ce}
    expected = scoring.aggregate(
        (
            entry.pk,
            experts[index].pk,
            scoring.weighted_total(dict(zip([c.pk for c in ce], v, strict=True)), weights),
        )
        for (entry, index), v in values.items()
    )
    strong_row = page.split(f'data-code="{strong.code}"')[1].split("</tr>")[0]
    assert f'data-testid="mean">{expected[strong.pk].mean:.2f}<' in strong_row
    assert f'data-testid="median">{expected[strong.pk].median:.2f}<' in strong_row
    assert f'data-testid="spread">{expected[strong.pk].spread:.2f}<' in strong_row
    assert f'data-testid="calibrated">{expected[strong.pk].calibrated:.2f}<' in strong_row
    assert 'data-testid="count">2/2<' in strong_row
    assert page.index(f'data-code="{strong.code}"') < page.index(f'data-code="{weak.code}"')
    assert 'data-testid="histogram"' in page
    assert 'data-testid="leniency"' in page
    assert 'data-testid="progress-chart"' in page
    assert "Calibrated (advisory)" in page
    assert " style=" not in page  # the Content Security Policy forbids inline styles


def test_ranking_page_query_count_does_not_grow_with_rows(client, organiser):
    edition = preliminary_edition()
    experts = [make_expert(edition, name=n) for n in ("A", "B", "C")]

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("scoring:ranking"))
        assert response.status_code == 200
        return len(queries), response.content.decode().count('data-testid="ranking-row"')

    entry = make_entry(edition)
    write_review(assign(experts[0], entry), [6, 6, 6, 6])
    one = count_queries()
    for index in (1, 2):
        entry = make_entry(edition, code="innovative")
        for expert in experts:
            write_review(assign(expert, entry), [index + 4] * 4)
    three = count_queries()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]


def test_the_preselected_shortlist_is_confirmed_through_the_page(client, organiser):
    edition = preliminary_edition()  # shortlist size 2
    expert = make_expert(edition)
    entries = [make_entry(edition) for _ in range(3)]
    for entry, score in zip(entries, (9, 7, 5), strict=True):
        write_review(assign(expert, entry), [score] * 4)
    page = client.get(url("scoring:ranking")).content.decode()

    client.post(
        url("scoring:shortlist", code="cutting_edge"),
        {"year": edition.year, "nominations": [entries[0].pk, entries[1].pk]},
    )

    assert page.count(" checked") == 2
    assert f'value="{entries[2].pk}" id="pick-{entries[2].pk}" aria-label' in page
    assert [n.state for n in Nomination.objects.filter(pk__in=[e.pk for e in entries])] == [
        "shortlisted",
        "shortlisted",
        "not_shortlisted",
    ]


def test_a_shortlist_with_missing_reviews_asks_for_an_acknowledgement_and_keeps_the_input(
    client, organiser
):
    edition = preliminary_edition()  # shortlist size 2
    expert, other = make_expert(edition), make_expert(edition)
    entries = [make_entry(edition) for _ in range(2)]
    for entry in entries:
        write_review(assign(expert, entry), [8] * 4)
    assign(other, entries[1])  # 1 of 2 reviews
    page = client.get(url("scoring:ranking", "zh-hans")).content.decode()

    refused = client.post(
        url("scoring:shortlist", "zh-hans", code="cutting_edge"),
        {"year": edition.year, "nominations": [entries[1].pk], "acknowledgement": "专家退出。"},
    )
    states_after_refusal = [
        n.state for n in Nomination.objects.filter(pk__in=[e.pk for e in entries])
    ]
    client.post(
        url("scoring:shortlist", code="cutting_edge"),
        {
            "year": edition.year,
            "nominations": [entries[1].pk],
            "acknowledged": "1",
            "acknowledgement": "The second expert withdrew.",
        },
    )

    body = refused.content.decode()
    entries[1].refresh_from_db()
    event = AuditEvent.objects.get(action="review.shortlist_confirmed")
    assert 'data-testid="shortlist-gaps"' in page and f"{entries[1].code} (1/2)" in page
    assert refused.status_code == 400
    assert 'data-testid="shortlist-error"' in body and "专家退出。" in body
    assert f'value="{entries[1].pk}" id="pick-{entries[1].pk}" aria-label' in body
    assert body.count(" checked") == 1  # the ticks sent, not the preselection
    assert states_after_refusal == ["in_review", "in_review"]
    assert entries[1].state == "shortlisted"
    assert event.details["acknowledgement"] == "The second expert withdrew."


def test_finalists_are_confirmed_through_the_page(client, organiser):
    edition = preliminary_edition()
    shortlisted = make_entry(edition, state="shortlisted")
    recommended = make_entry(edition, state="eligible", channel="expert")

    client.post(url("scoring:finalists", code="cutting_edge"), {"year": edition.year})

    page = client.get(url("scoring:ranking")).content.decode()

    shortlisted.refresh_from_db()
    recommended.refresh_from_db()
    assert (shortlisted.state, recommended.state) == ("finalist", "finalist")
    assert "Decided: 2 finalists." in page
    assert 'data-testid="confirm-finalists"' not in page


def test_export_downloads_the_workbook(client, organiser):
    edition = preliminary_edition()
    expert = make_expert(edition)
    entry = make_entry(edition)
    write_review(assign(expert, entry), [8, 8, 8, 8], comment="Good.")

    response = client.get(url("scoring:export"))

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["排名 Ranking", "评审意见 Reviews"]
    assert workbook["排名 Ranking"]["C2"].value == entry.code


@time_machine.travel(DURING, tick=False)
def test_organiser_reminds_one_expert_from_the_progress_page(
    client, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)  # again, in the travelled time: the session must not expire
    edition = preliminary_edition()
    late = make_expert(edition, name="Late", language="en")
    done = make_expert(edition, name="Done")
    entry = make_entry(edition)
    assign(late, entry)
    write_review(assign(done, entry), [7, 7, 7, 7])
    mail.outbox.clear()

    page = client.get(url("scoring:progress")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("scoring:remind"), {"year": edition.year, "expert": late.pk})
    after = client.get(url("scoring:progress")).content.decode()

    assert page.count('data-testid="progress-row"') == 2
    assert [m.to for m in mail.outbox] == [[late.user.email]]
    assert entry.code in mail.outbox[0].body
    assert "2030-03-11 08:00" in after  # the last reminder, in Beijing time


def test_criteria_page_adds_the_standard_set_and_saves_weights(client, organiser):
    edition = preliminary_edition()
    Criterion.objects.filter(category__edition=edition).delete()

    client.post(url("scoring:criteria"), {"year": edition.year, "add_defaults": "1"})
    ce = criteria(edition)
    data = {"year": edition.year}
    data.update(
        {f"weight_{c.pk}": "1" for c in Criterion.objects.filter(category__edition=edition)}
    )
    data[f"weight_{ce[0].pk}"] = "2.5"
    client.post(url("scoring:criteria"), data)

    assert Criterion.objects.filter(category__edition=edition).count() == 8
    assert Criterion.objects.get(pk=ce[0].pk).weight == Decimal("2.5")


@pytest.mark.parametrize("name", ["scoring:ranking", "scoring:progress"])
def test_organiser_pages_read_fully_in_each_language(client, organiser, name):
    edition = preliminary_edition()
    expert = make_expert(edition)
    write_review(assign(expert, make_entry(edition)), [7, 6, 8, 7])

    chinese = client.get(url(name, "zh-hans"))
    english = client.get(url(name, "en"))

    assert_main_is_chinese(chinese, allow=["XLSX", expert.user.email])
    assert_main_is_english(english)
