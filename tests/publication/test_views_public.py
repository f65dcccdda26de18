"""The public pages and the open data: the notice in both languages, the results page (reads
fully in each language, constant queries), the PDFs, the JSON/CSV/bulletin (404 before
publication, exact shape after), and the organiser's pages (permission matrix, the flow)."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from publication import services as publication
from submissions.models import Nomination
from tests.factories import CategoryFactory, UserFactory
from tests.i18n_checks import assert_main_is_chinese, assert_main_is_english
from tests.voting.conftest import url
from tests.voting.publication_fixtures import *  # noqa: F403
from tests.voting.publication_fixtures import make_certified, publish
from voting.models import Objection, Publication

pytestmark = pytest.mark.django_db

OPEN_DATA = ["/results/2031.json", "/results/2031.csv", "/results/2031/bulletin.json"]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def titles(language):
    field = "title_zh" if language == "en" else "title_en"
    return list(Nomination.objects.values_list(field, flat=True))


# --- The notice -----------------------------------------------------------------------------


def test_notice_lists_the_proposed_winners_in_chinese(client, notice):
    response = client.get(url("publication:notice", "zh-hans"))

    page = response.content.decode()
    assert "拟入选技术公示" in page
    assert ["前沿技术1号" in page, "前沿技术2号" in page, "前沿技术3号" in page] == [
        True,
        True,
        False,
    ]
    ce2 = Nomination.objects.get(code="2031-CE-002")
    assert ce2.organisation.name_zh in page and ce2.direction.name_zh in page
    assert ce2.summary_zh in page
    assert "提出异议" in page
    # The other language's title is shown too, marked as such.
    assert '<p class="other-language mb-2" lang="en">Frontier technology 2</p>' in page
    assert_main_is_chinese(response, allow=titles("zh-hans"))


def test_notice_lists_the_proposed_winners_in_english(client, notice):
    response = client.get(url("publication:notice", "en"))

    page = response.content.decode()
    assert "Public notice of the proposed winners" in page
    assert "Frontier technology 1" in page and "Innovation technology 1" in page
    assert "Innovation technology 2" not in page
    assert "File an objection" in page
    assert_main_is_english(response, allow=titles("en"))


def test_notice_page_without_a_notice_says_so(client, edition):
    response = client.get(url("publication:notice", "en"))

    assert "There is no public notice at present." in response.content.decode()


def test_objection_form_reads_in_both_languages(client, notice):
    zh = client.get(url("publication:objection", "zh-hans"))
    en = client.get(url("publication:objection", "en"))

    assert "提交异议" in zh.content.decode()
    assert "Send the objection" in en.content.decode()
    assert_main_is_chinese(zh, allow=titles("zh-hans"))
    assert_main_is_english(en, allow=titles("en"))


# --- Before publication: nothing public ---------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        *OPEN_DATA,
        "/en/results/2031/",
        "/zh-hans/results/2031/",
        "/en/results/2031/results-book.pdf",
        "/en/results/2031/certificates/2031-CE-001.pdf",
    ],
)
def test_results_are_404_before_publication(client, notice_over, path):
    assert client.get(path).status_code == 404


# --- Open data ------------------------------------------------------------------------------


def test_results_json_has_the_exact_shape(client, published):
    response = client.get("/results/2031.json")

    data = json.loads(response.content)
    ce1 = Nomination.objects.select_related("organisation", "direction").get(code="2031-CE-001")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert list(data) == ["year", "categories"]
    assert data["year"] == 2031
    assert [(c["code"], c["name_zh"], c["name_en"], c["quota"]) for c in data["categories"]] == [
        ("cutting_edge", "前沿技术", "Cutting-edge technology", 2),
        ("innovative", "创新技术", "Innovative technology", 1),
    ]
    ce = data["categories"][0]
    assert ce["winners"][0] == {
        "code": "2031-CE-001",
        "title_zh": "前沿技术1号",
        "title_en": "Frontier technology 1",
        "organisation_zh": ce1.organisation.name_zh,
        "organisation_en": ce1.organisation.name_en,
        "direction": ce1.direction.code,
        "approvals": 3,
    }
    assert [(w["code"], w["approvals"]) for w in ce["winners"]] == [
        ("2031-CE-001", 3),
        ("2031-CE-002", 2),
    ]
    assert [(f["code"], f["approvals"]) for f in ce["finalists"]] == [("2031-CE-003", 1)]
    assert set(ce["finalists"][0]) == set(ce["winners"][0])
    assert [f["code"] for f in data["categories"][1]["finalists"]] == ["2031-IN-002"]


def test_results_csv_is_utf8_with_bom_and_flattened_rows(client, published):
    content = client.get("/results/2031.csv").content.decode("utf-8")

    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:])))
    assert rows[0] == list(publication.CSV_COLUMNS)
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        ("cutting_edge", "winner", "2031-CE-001", "前沿技术1号"),
        ("cutting_edge", "winner", "2031-CE-002", "前沿技术2号"),
        ("cutting_edge", "finalist", "2031-CE-003", "前沿技术3号"),
        ("innovative", "winner", "2031-IN-001", "创新技术1号"),
        ("innovative", "finalist", "2031-IN-002", "创新技术2号"),
    ]


def test_bulletin_json_has_the_rounds_and_the_ballots(client, published):
    data = json.loads(client.get("/results/2031/bulletin.json").content)

    assert list(data) == ["year", "rounds", "removals", "place_decisions"]
    assert [
        (r["category"], r["method"], r["quota"], r["threshold"], r["quorum"], r["void"])
        for r in data["rounds"]
    ] == [
        ("cutting_edge", "approval", 2, 0.5, 2 / 3, False),
        ("innovative", "approval", 1, 0.5, 2 / 3, False),
    ]
    assert data["rounds"][0]["items"] == [
        {"code": "2031-CE-001", "recused": 0},
        {"code": "2031-CE-002", "recused": 0},
        {"code": "2031-CE-003", "recused": 0},
    ]
    assert sorted(b["choices"] for b in data["rounds"][0]["ballots"]) == [
        ["2031-CE-001", "2031-CE-002"],
        ["2031-CE-001", "2031-CE-002"],
        ["2031-CE-001", "2031-CE-003"],
    ]
    assert all(set(b) == {"tracker", "choices"} for b in data["rounds"][0]["ballots"])


def test_publication_clears_the_cached_results(
    client, edition, organiser, notice_over, django_capture_on_commit_callbacks
):
    cache.set(publication.cache_key(2031, "results-json"), '{"stale": true}')

    publish(edition, organiser, django_capture_on_commit_callbacks)

    assert "stale" not in json.loads(client.get("/results/2031.json").content)


# --- The results page and the PDFs ------------------------------------------------------------


def test_results_page_reads_fully_in_chinese(client, published):
    response = client.get(url("publication:results", "zh-hans", year=2031))

    page = response.content.decode()
    assert "2031年评选结果" in page
    assert "前沿技术1号" in page and "Frontier technology 1" not in page
    assert page.count("世界新能源汽车大会科技委员会提名</span>") == 2
    assert "荣誉证书（PDF）" in page
    assert_main_is_chinese(response)


def test_results_page_reads_fully_in_english(client, published):
    response = client.get(url("publication:results", "en", year=2031))

    page = response.content.decode()
    assert "Results of the 2031 selection" in page
    assert "Frontier technology 2" in page
    assert page.count("WNEVC S&T Committee Nomination</span>") == 2
    assert url("publication:certificate", "en", year=2031, code="2031-CE-001") in page
    assert url("publication:certificate", "en", year=2031, code="2031-CE-003") not in page
    assert_main_is_english(response)


def _results_queries(client, edition, organiser, capture, *, winners: int) -> int:
    ballots = {
        "cutting_edge": [[f"2031-CE-00{i}" for i in range(1, winners + 1)]] * 3,
        "innovative": [["2031-IN-001"]] * 3,
    }
    make_certified(edition, organiser, ce_count=winners, ce_quota=3, ballots=ballots)
    from datetime import timedelta

    from django.utils import timezone

    publication.open_notice(
        edition=edition,
        actor=organiser,
        opens_at=timezone.now() - timedelta(days=31),
        closes_at=timezone.now() - timedelta(days=1),
    )
    publish(edition, organiser, capture)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("publication:results", "en", year=2031))
    assert response.content.decode().count("is-winner") == winners + 1
    return len(queries)


@pytest.mark.parametrize("winners", [1, 3])
def test_results_page_queries_do_not_grow_with_the_winners(
    client, edition, organiser, django_capture_on_commit_callbacks, winners, request
):
    count = _results_queries(
        client, edition, organiser, django_capture_on_commit_callbacks, winners=winners
    )

    # The same number whatever the rows: the results, the rounds, the certified rounds, the
    # edition with its publication, the categories, the objections' consequences, and the
    # navigation's notice/results state.
    assert count == 7


def test_results_book_has_both_scripts(client, published):
    response = client.get(url("publication:results_book", "en", year=2031))

    text = pdf_text(b"".join(response.streaming_content))
    assert response["Content-Type"] == "application/pdf"
    for phrase in [
        "评选结果",
        "Results of the Selection",
        "前沿技术1号",
        "Frontier technology 1",
        "前沿技术3号",
        "世界新能源汽车大会科技委员会提名",
        "WNEVC S&T Committee Nomination",
    ]:
        assert phrase in text, phrase


def test_certificate_has_both_scripts(client, published):
    response = client.get(url("publication:certificate", "zh-hans", year=2031, code="2031-IN-001"))

    text = pdf_text(b"".join(response.streaming_content))
    nomination = Nomination.objects.select_related("organisation").get(code="2031-IN-001")
    for phrase in [
        "荣誉证书",
        "CERTIFICATE OF SELECTION",
        "创新技术1号",
        "Innovation technology 1",
        nomination.organisation.name_zh,
        nomination.organisation.name_en,
        # The committee by its full name, as every page of the portal gives it.
        "世界新能源汽车大会科学技术委员会",
    ]:
        assert phrase in text, phrase


def test_no_certificate_for_a_finalist_not_selected(client, published):
    response = client.get(url("publication:certificate", "en", year=2031, code="2031-CE-003"))

    assert response.status_code == 404


# --- Organiser pages: permissions and the flow ------------------------------------------------


def organiser_urls(objection):
    return [
        ("get", url("publication:dashboard", "en")),
        ("get", url("publication:objection_detail", "en", pk=objection.pk)),
        ("get", url("publication:objection_file", "en", pk=objection.pk)),
        ("post", url("publication:publish", "en")),
        ("post", url("publication:remove_winner", "en", pk=objection.pk)),
    ]


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_organiser_pages_are_404_for_everyone_else(client, edition, notice, certified, persona):
    objection = Objection.objects.create(
        edition=edition, name="A", email="a@example.org", reason="r"
    )
    users = {
        "nominator": lambda: Nomination.objects.get(code="2031-CE-001").organisation.members.get(),
        "expert": lambda: certified["committee"][0].user,
        "stranger": lambda: UserFactory(),
    }
    client.force_login(users[persona]())

    statuses = [
        getattr(client, method)(path).status_code for method, path in organiser_urls(objection)
    ]

    assert statuses == [404] * 5
    assert Publication.objects.get().published_at is None


def test_organiser_pages_send_the_signed_out_to_sign_in(client, edition, notice):
    objection = Objection.objects.create(
        edition=edition, name="A", email="a@example.org", reason="r"
    )

    responses = [getattr(client, m)(path) for m, path in organiser_urls(objection)]

    assert [r.status_code for r in responses] == [302] * 5
    assert all("/accounts/login/" in r["Location"] for r in responses)


def test_organiser_opens_the_notice_resolves_and_publishes(
    client, edition, organiser, certified, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(organiser)
    dashboard = client.get(url("publication:dashboard", "en"))
    assert "Open the notice" in dashboard.content.decode()

    closes = (timezone.localtime() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    client.post(url("publication:dashboard", "en"), {"closes_at": closes})
    pub = Publication.objects.get()
    objection = publication.file_objection(
        edition=edition, name="A", email="a@example.org", reason="r"
    )
    client.post(
        url("publication:objection_detail", "en", pk=objection.pk),
        {"decision": "dismissed", "reasoning": "Unfounded."},
    )
    objection.refresh_from_db()
    Publication.objects.filter(pk=pub.pk).update(
        notice_opens_at=timezone.now() - timedelta(days=31),
        notice_closes_at=timezone.now() - timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("publication:publish", "en"))

    assert (objection.state, objection.resolution) == ("dismissed", "Unfounded.")
    assert response["Location"] == url("publication:results", "en", year=2031)
    assert Publication.objects.get().published_at is not None
    assert Nomination.objects.get(code="2031-IN-001").state == "winner"


def test_organiser_pages_read_in_chinese(client, edition, organiser, notice):
    objection = Objection.objects.create(
        edition=edition, name="王五", email="w@example.org", reason="理由。"
    )
    client.force_login(organiser)

    dashboard = client.get(url("publication:dashboard", "zh-hans"))
    detail = client.get(url("publication:objection_detail", "zh-hans", pk=objection.pk))

    assert "公示与结果发布" in dashboard.content.decode()
    assert "记录处理结果" in detail.content.decode()
    assert_main_is_chinese(dashboard, allow=[*titles("zh-hans"), objection.reference])
    assert_main_is_chinese(detail, allow=[objection.reference])


def test_the_dashboard_says_none_are_proposed_before_a_certified_round(client, edition, organiser):
    CategoryFactory(edition=edition, code="innovative")
    client.force_login(organiser)

    page = client.get(url("publication:dashboard", "zh-hans")).content.decode()

    assert "暂无：本类别的投票轮次经确认后，即列出拟入选技术。" in page
    assert "<li>—</li>" not in page


def test_once_published_the_dashboard_heads_the_winners_as_winners(
    client, edition, organiser, published
):
    client.force_login(organiser)

    page = client.get(url("publication:dashboard", "zh-hans")).content.decode()

    assert '<h3 class="h6">入选技术</h3>' in page
    assert "拟入选技术" not in page
