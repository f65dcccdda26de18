"""The objection form in real Chromium: the honeypot is out of sight (and of autofill's reach),
a form filled in at once is not refused, and a file attached to a form refused for a missing
field is kept, so the second submission files it without choosing it again. The console stays
clean (the CSP forbids inline styles: the honeypot is hidden by a class)."""

import pytest

from publication import services as publication
from tests.factories import EditionFactory, UserFactory
from tests.publication.test_objections import PDF
from tests.voting.publication_fixtures import make_certified
from voting.models import Objection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def notice():
    edition = EditionFactory(year=2031, is_current=True, committee_size=3)
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    make_certified(edition, organiser)
    return publication.open_notice(edition=edition, actor=organiser)


def test_a_refused_form_keeps_its_file_and_the_second_submit_files_it(page, notice):
    page.goto("/en/notice/objection/")
    form = page.locator("[data-testid=objection-form]")

    assert page.locator("input[name=nectar]").is_visible() is False
    # What autofill fills, at once; the reason is forgotten.
    form.locator("input[name=name]").fill("Zhang San")
    form.locator("input[name=email]").fill("zhang.san@example.org")
    form.locator("input[name=phone]").fill("+86 10 1234 5678")
    form.locator("input[name=file]").set_input_files(
        files=[{"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.locator("button[type=submit]").click()

    held = page.locator("[data-testid=held-file]")
    assert "Attached: evidence.pdf" in held.inner_text()
    assert page.locator("input[name=email]").input_value() == "zhang.san@example.org"
    page.locator("textarea[name=reason]").fill("The results were copied from a paper.")
    page.locator("[data-testid=objection-form] button[type=submit]").click()
    page.wait_for_url("**/notice/objection/received/")

    objection = Objection.objects.get()
    assert (objection.name, objection.file_name) == ("Zhang San", "evidence.pdf")
    with objection.file.open("rb") as stored:
        assert stored.read() == PDF
