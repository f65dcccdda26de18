"""The printable recommendation form: a bilingual PDF with its CJK font embedded."""

import hashlib
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from submissions import pdf
from submissions.models import Declaration, KeyPerson, Patent
from tests.factories import DeclarationFactory, OrganisationFactory, UserFactory

from .conftest import url


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(data: bytes) -> list[tuple[str, bool]]:
    """(base font, embedded) of every font the pages use."""
    reader = PdfReader(io.BytesIO(data))
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return sorted(found.items())


@pytest.fixture
def full_nomination(nomination, nominator):
    nomination.title_zh = "固态电池原位聚合界面技术"
    nomination.title_en = "In-situ polymerised interface for solid-state batteries"
    nomination.save()
    nomination.completing_organisations.create(name_zh="清华大学", name_en="Tsinghua University")
    KeyPerson.objects.create(
        nomination=nomination, name="王建华", organisation_name="清华大学", role="负责人"
    )
    Patent.objects.create(
        nomination=nomination, number="CN112345678B", title="一种固态电池", status="granted"
    )
    DeclarationFactory(nomination=nomination, kind=Declaration.Kind.VOLUNTARY, made_by=nominator)
    return nomination


def test_the_form_is_a_pdf_with_both_titles_and_the_nomination(full_nomination):
    data = pdf.recommendation_form_pdf(full_nomination)

    assert data.startswith(b"%PDF-")
    text = _text(data)
    for expected in [
        "全球新能源汽车前沿及创新技术推荐表",
        "Recommendation Form",
        full_nomination.code,
        "固态电池原位聚合界面技术",
        "In-situ polymerised interface for solid-state batteries",
        full_nomination.edition.name_zh,
        "清华大学 / Tsinghua University",
        "CN112345678B",
        "王建华",
        "推荐单位盖章 / Stamp of the recommending organisation",
    ]:
        assert expected in text, expected


def test_every_font_of_the_form_is_embedded(full_nomination):
    data = pdf.recommendation_form_pdf(full_nomination)

    fonts = _fonts(data)

    assert fonts, "the form uses no font at all"
    assert all(embedded for _name, embedded in fonts), fonts
    assert all("WenQuanYiMicroHei" in name for name, _embedded in fonts), fonts


def test_choice_labels_are_given_in_both_languages(full_nomination):
    text = _text(pdf.recommendation_form_pdf(full_nomination))

    # Declarations are printed with the time they were made, the missing ones as not confirmed.
    assert text.count("已确认 / Confirmed") == 1
    assert text.count("未确认 / Not confirmed") == 2


def test_owner_downloads_the_form_as_an_attachment(client, full_nomination, nominator):
    client.force_login(nominator)

    response = client.get(url("submissions:recommendation_form_pdf", code=full_nomination.code))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{full_nomination.code}-recommendation-form.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_organisation_gets_404_for_the_form(client, full_nomination):
    client.force_login(UserFactory(organisation=OrganisationFactory()))

    response = client.get(url("submissions:recommendation_form_pdf", code=full_nomination.code))

    assert response.status_code == 404


def test_the_font_is_the_one_vendored_with_its_licence(settings):
    # The PDFs must not depend on what a machine happens to have installed: the font is a file
    # of the project, with its licence beside it.
    settings.WNEVC_PDF_FONT = ""
    fonts = pdf.VENDORED_FONT.parent

    assert pdf._font_candidates()[0] == pdf.VENDORED_FONT
    assert pdf.register_font() == (pdf.FONT_NAME, True)
    assert pdfmetrics.getFont(pdf.FONT_NAME).face.filename == str(pdf.VENDORED_FONT)
    assert (
        hashlib.sha256(pdf.VENDORED_FONT.read_bytes()).hexdigest()
        in (fonts / "README.md").read_text()
    )
    assert "Apache License" in (fonts / "LICENSE_Apache2.txt").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in (fonts / "LICENSE_GPLv3.txt").read_text()
