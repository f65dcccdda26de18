"""Markup in entries, review comments, committee names and a person's own name is text on the
expert's entry page, the ranking, the committee pages, the dashboard, and the ranking workbook."""

import io

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from review.models import Expert
from tests.factories import UserFactory
from tests.hostile.payloads import FORMULA, assert_escaped, hostile
from tests.review.committee_helpers import committee_edition, direction
from tests.review.scoring_helpers import (
    DURING,
    assign,
    make_entry,
    make_expert,
    preliminary_edition,
    url,
    write_review,
)
from tests.review.test_views_organiser import GOOD, HEADER, _csv, _xlsx

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scored():
    edition = preliminary_edition()
    expert = make_expert(edition)
    entry = make_entry(
        edition,
        title_zh=hostile("title-zh"),
        title_en=FORMULA,
        summary_zh=hostile("summary-zh"),
        summary_en=hostile("summary-en"),
    )
    write_review(assign(expert, entry), [8, 8, 8, 8], comment=f"{FORMULA} {hostile('comment')}")
    return expert, entry


@time_machine.travel(DURING, tick=False)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_experts_entry_page_shows_markup_as_text(scored, language):
    expert, entry = scored

    page = signed_in(expert.user).get(url("scoring:entry", language, code=entry.code))

    html = page.content.decode()
    assert_escaped(html, "summary-zh" if language == "zh-hans" else "summary-en")
    assert_escaped(html, "comment")


def test_the_ranking_and_its_workbook_keep_markup_and_formulas_as_text(scored):
    organiser = signed_in(UserFactory(roles=["organiser"]))

    page = organiser.get(url("scoring:ranking", "zh-hans")).content.decode()
    workbook = load_workbook(io.BytesIO(organiser.get(url("scoring:export")).content))

    assert_escaped(page, "title-zh")
    cells = [cell for sheet in workbook for row in sheet.iter_rows(min_row=2) for cell in row]
    formulas = [cell for cell in cells if cell.data_type == "f"]
    assert formulas == []
    title = next(cell for cell in cells if cell.value == FORMULA)
    assert title.quotePrefix is True


@pytest.mark.parametrize(("name", "build"), [("roster.csv", _csv), ("roster.xlsx", _xlsx)])
def test_imported_committee_names_are_text_in_the_preview_and_the_roster(name, build):
    edition = committee_edition(reviewers_per_entry=1)
    direction(edition, "power-battery")
    direction(edition, "fuel-cell")
    row = [hostile("name-zh"), hostile("name-en"), *GOOD[2:]]
    row[3] = hostile("affiliation-zh")
    organiser = signed_in(UserFactory(roles=["organiser"], preferred_language="en"))
    upload = io.BytesIO(build([HEADER, row]))
    upload.name = name

    preview = organiser.post(url("review:committee_import"), {"file": upload}, follow=True)
    organiser.post(url("review:committee_import_preview"), {"confirm": "1"})
    roster = organiser.get(url("review:committee_list", "zh-hans")).content.decode()

    assert_escaped(preview.content.decode(), "name-en")
    assert Expert.objects.get().name_zh == hostile("name-zh")
    assert_escaped(roster, "name-zh")


def test_a_persons_own_name_is_text_on_their_pages():
    person = UserFactory(preferred_language="en")
    client = signed_in(person)

    client.post(
        url("accounts:preferences"),
        {"full_name": hostile("own-name")[:150], "preferred_language": "en"},
    )
    person.refresh_from_db()
    page = client.get(url("accounts:dashboard")).content.decode()
    form = client.get(url("accounts:preferences")).content.decode()

    assert person.full_name == hostile("own-name")
    assert_escaped(page, "own-name")
    assert_escaped(form, "own-name")
