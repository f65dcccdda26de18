"""Markup and script typed into any field are shown as text everywhere the text appears:
pages in both languages, PDFs, and spreadsheet exports (where a formula stays text)."""

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from submissions.models import Nomination
from tests.hostile.payloads import FORMULA, SCRIPT, assert_escaped, hostile
from tests.submissions.conftest import complete, url
from tests.submissions.test_views_nominator import form_data

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ("title", "summary", "description", "innovations", "indicators", "application")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def hostile_nomination(client, nominator, nomination):
    """The nominator types hostile text into every field of the form, both languages."""
    client.force_login(nominator)
    fields = {
        f"{name}_{lang}": hostile(f"{name}-{lang}") for name in TEXT_FIELDS for lang in ("zh", "en")
    }
    fields["title_zh"] = f"{FORMULA}{SCRIPT}"[:200]
    fields["title_en"] = hostile("title-en")
    data = form_data(
        nomination,
        **fields,
        **{
            "completing-TOTAL_FORMS": "1",
            "completing-0-name_zh": hostile("org-zh"),
            "completing-0-name_en": hostile("org-en"),
            "people-TOTAL_FORMS": "1",
            "people-0-name": hostile("person")[:150],
            "people-0-organisation_name": hostile("person-org"),
            "people-0-role": hostile("person-role"),
            "patents-TOTAL_FORMS": "1",
            "patents-0-number": "=1+1",
            "patents-0-title": hostile("patent"),
            "patents-0-status": "granted",
        },
    )

    response = client.post(url("submissions:nomination_edit", code=nomination.code), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    nomination.refresh_from_db()
    assert nomination.summary_en == hostile("summary-en")  # stored as typed, escaped on output
    return complete(nomination, nominator)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_nominators_pages_show_the_markup_as_text(client, hostile_nomination, language):
    code = hostile_nomination.code

    detail = client.get(url("submissions:nomination_detail", language, code=code)).content.decode()
    edit = client.get(url("submissions:nomination_edit", language, code=code)).content.decode()

    suffix = "zh" if language == "zh-hans" else "en"
    for label in (f"summary-{suffix}", f"org-{suffix}", "person-role"):
        assert_escaped(detail, label)
    for label in ("summary-zh", "summary-en", "org-en", "person-org", "patent"):
        assert_escaped(edit, label)


def test_the_formal_check_shows_the_markup_as_text(
    client, hostile_nomination, nominator, organiser
):
    client.post(url("submissions:nomination_submit", code=hostile_nomination.code))
    assert Nomination.objects.get().state == "submitted"
    client.force_login(organiser)

    queue = client.get(url("submissions:formalcheck_queue")).content.decode()
    detail = client.get(
        url("submissions:formalcheck_detail", code=hostile_nomination.code)
    ).content.decode()

    assert_escaped(queue, "title-en")
    for label in ("summary-zh", "summary-en", "org-zh", "person", "patent"):
        assert_escaped(detail, label)


def test_the_formal_check_exports_keep_formulas_as_text(client, hostile_nomination, organiser):
    client.post(url("submissions:nomination_submit", code=hostile_nomination.code))
    client.force_login(organiser)

    csv_body = client.get(url("submissions:formalcheck_export", fmt="csv")).content
    xlsx_body = client.get(url("submissions:formalcheck_export", fmt="xlsx")).content

    rows = list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))
    csv_cells = [cell for row in rows[1:] for cell in row]
    assert f"'{FORMULA}{SCRIPT}" in csv_cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in csv_cells)
    sheet = load_workbook(io.BytesIO(xlsx_body)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    title = next(cell for cell in cells if cell.value == f"{FORMULA}{SCRIPT}")
    assert (title.data_type, title.quotePrefix) == ("s", True)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []


def test_the_printable_form_prints_the_markup_literally(client, hostile_nomination):
    response = client.get(url("submissions:recommendation_form_pdf", code=hostile_nomination.code))

    text = pdf_text(b"".join(response.streaming_content))
    assert response["Content-Type"] == "application/pdf"
    assert SCRIPT in text.replace("\n", "")


def test_a_recommendation_statement_with_markup_is_text_for_the_expert_and_the_secretariat(
    client, edition, cutting_edge, organiser
):
    from submissions.models import Recommendation
    from tests.factories import NominationFactory, UserFactory
    from tests.voting.factories import ExpertFactory

    expert = UserFactory(roles=["expert"], preferred_language="en")
    ExpertFactory(edition=edition, user=expert)
    recommended = NominationFactory(
        edition=edition,
        category=cutting_edge,
        channel="expert",
        created_by=expert,
        state="submitted",
        title_en=hostile("recommended-title"),
    )
    Recommendation.objects.create(
        nomination=recommended,
        recommender=expert,
        statement_zh=hostile("statement-zh"),
        statement_en=hostile("statement-en"),
    )
    client.force_login(expert)

    own = client.get(url("submissions:expert_recommendation", code=recommended.code))
    client.force_login(organiser)
    check = client.get(url("submissions:formalcheck_detail", code=recommended.code))

    for label in ("statement-zh", "statement-en", "recommended-title"):
        assert_escaped(own.content.decode(), label)
    assert_escaped(check.content.decode(), "recommended-title")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_organisation_name_with_markup_is_text_on_the_profile_and_the_nomination(
    client, nominator, nomination, language
):
    client.force_login(nominator)
    response = client.post(
        url("submissions:organisation_profile", language),
        {
            "name_zh": hostile("org-name-zh")[:200],
            "name_en": hostile("org-name-en")[:200],
            "kind": "university",
            "country": "中国",
            "address": hostile("address"),
            "contact_name": hostile("contact")[:100],
            "contact_phone": "+86 10 1234 5678",
            "contact_email": "lihua@example.cn",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]

    profile = client.get(url("submissions:organisation_profile", language)).content.decode()
    detail = client.get(
        url("submissions:nomination_detail", language, code=nomination.code)
    ).content.decode()

    suffix = "zh" if language == "zh-hans" else "en"
    for label in ("org-name-zh", "org-name-en", "contact"):
        assert_escaped(profile, label)
    assert_escaped(detail, f"org-name-{suffix}")
