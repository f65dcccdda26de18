"""Removals, kept winners and vacant places reach every public output (issue 9, part 4): the CSV
of the open data and the results book PDF say the same as results.json and the results page."""

import csv
import io

import pytest
from pypdf import PdfReader

from publication import services as publication
from submissions.models import Nomination
from tests.voting.conftest import url
from tests.voting.publication_fixtures import *  # noqa: F403
from tests.voting.publication_fixtures import publish
from tests.voting.test_runoffs import end_notice, upheld
from voting import runoffs

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(edition, organiser, notice, django_capture_on_commit_callbacks):
    """CE-002 removed (its place left vacant), IN-001 kept after an upheld objection."""
    removed = upheld(edition, organiser, "2031-CE-002")
    publication.remove_proposed_winner(
        objection=removed, actor=organiser, reasons="抄袭已查实。Plagiarism proven."
    )
    runoffs.decide_freed_places(
        category=Nomination.objects.get(code="2031-CE-002").category,
        actor=organiser,
        decision="vacant",
        reason="委员会决定空缺。Left vacant by the committee.",
    )
    kept = upheld(edition, organiser, "2031-IN-001")
    publication.keep_proposed_winner(
        objection=kept, actor=organiser, reasons="专利已及时许可。Licensed in time."
    )
    end_notice(notice)
    publish(edition, organiser, django_capture_on_commit_callbacks)
    removed.refresh_from_db()
    kept.refresh_from_db()
    return {"removed": removed, "kept": kept}


def csv_rows(client) -> list[dict]:
    content = client.get("/results/2031.csv").content.decode("utf-8")
    return list(csv.DictReader(io.StringIO(content[1:])))


def test_the_csv_keeps_its_first_columns_and_adds_three(client, changed):
    content = client.get("/results/2031.csv").content.decode("utf-8")
    header = next(csv.reader(io.StringIO(content[1:])))

    assert header[:9] == [
        "category",
        "outcome",
        "code",
        "title_zh",
        "title_en",
        "organisation_zh",
        "organisation_en",
        "direction",
        "approvals",
    ]
    assert header[9:] == ["objection", "reasons", "places"]


def test_the_csv_lists_a_removal_with_its_reasons_not_as_a_finalist(client, changed):
    rows = csv_rows(client)

    ce = [(r["outcome"], r["code"]) for r in rows if r["category"] == "cutting_edge"]
    assert ce == [
        ("winner", "2031-CE-001"),
        ("finalist", "2031-CE-003"),
        ("removed", "2031-CE-002"),
        ("vacant", ""),
    ]
    removed = next(r for r in rows if r["outcome"] == "removed")
    assert removed["title_zh"] == "前沿技术2号"
    assert removed["objection"] == changed["removed"].reference
    assert removed["reasons"] == "抄袭已查实。Plagiarism proven."


def test_the_csv_has_a_vacant_row_with_the_places_and_the_committees_reasons(client, changed):
    vacant = [r for r in csv_rows(client) if r["outcome"] == "vacant"]

    assert [(r["category"], r["places"], r["reasons"]) for r in vacant] == [
        ("cutting_edge", "1", "委员会决定空缺。Left vacant by the committee.")
    ]


def test_the_csv_gives_the_reasons_of_a_winner_kept_after_an_objection(client, changed):
    winners = {r["code"]: r for r in csv_rows(client) if r["outcome"] == "winner"}

    assert winners["2031-IN-001"]["objection"] == changed["kept"].reference
    assert winners["2031-IN-001"]["reasons"] == "专利已及时许可。Licensed in time."
    assert winners["2031-CE-001"]["objection"] == winners["2031-CE-001"]["reasons"] == ""


def test_the_csv_without_objections_has_no_extra_rows(client, published):
    rows = csv_rows(client)

    assert [r["outcome"] for r in rows] == ["winner", "winner", "finalist", "winner", "finalist"]
    assert all(r["objection"] == r["reasons"] == r["places"] == "" for r in rows)


def book_text(client, language) -> str:
    response = client.get(url("publication:results_book", language, year=2031))
    assert response["Content-Type"] == "application/pdf"
    # Served from the store (publication/documents.py): a streamed file.
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    # Lines broken by the layout are joined so that a phrase reads whole.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_results_book_shows_the_removal_the_vacancy_and_the_kept_winner(
    client, changed, language
):
    text = book_text(client, language)

    for phrase in [
        "因异议成立而撤销（1项）",
        "Removed after an upheld objection (1)",
        "撤销理由",
        "抄袭已查实。Plagiarism proven.",
        "空缺名额（1个）",
        "Vacant places (1)",
        "委员会决定空缺。Left vacant by the committee.",
        "异议成立但仍保留入选",
        "Stays a winner despite an upheld objection",
        "专利已及时许可。Licensed in time.",
    ]:
        assert phrase in text, phrase
    # The removed technology is not counted among the ordinary finalists of its category.
    assert text.count("世界新能源汽车大会科技委员会提名（1项）") == 2
    assert "世界新能源汽车大会科技委员会提名（2项）" not in text


def test_the_results_book_without_objections_shows_no_such_section(client, published):
    text = book_text(client, "en")

    assert "Removed after an upheld objection" not in text
    assert "Vacant places" not in text
    assert "Stays a winner" not in text


def test_the_results_page_lists_a_removal_once_with_its_reasons(client, changed):
    page = client.get(url("publication:results", "en", year=2031)).content.decode()

    assert page.count('data-code="2031-CE-002"') == 1
    assert "抄袭已查实。Plagiarism proven." in page
