"""Markup in finalists' titles, organisation names and objections is text on the ballot, the
notice, the objection's page for the secretariat, the results page, the CSV and the results book."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Organisation
from publication import services as publication
from publication.forms import started_token
from submissions.models import Nomination
from tests.hostile.payloads import FORMULA, SCRIPT, assert_escaped, hostile
from tests.hostile.test_markup import pdf_text
from tests.voting import tellers
from tests.voting.conftest import *  # noqa: F403 - the final evaluation's fixtures
from tests.voting.conftest import url
from tests.voting.publication_fixtures import make_certified, publish
from voting.models import Objection

pytestmark = pytest.mark.django_db


def make_hostile(nominations) -> None:
    for number, nomination in enumerate(nominations):
        Nomination.objects.filter(pk=nomination.pk).update(
            title_zh=hostile(f"title-zh-{number}"), title_en=hostile(f"title-en-{number}")
        )
        Organisation.objects.filter(pk=nomination.organisation_id).update(
            name_zh=FORMULA, name_en=hostile(f"org-en-{number}")
        )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_ballot_shows_titles_as_text(
    language, edition, category, items, committee, organiser, closes_at
):
    make_hostile(items)
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )

    page = signed_in(committee[0].user).get(url("voting:member_ballot", language, pk=round.pk))

    suffix = "zh" if language == "zh-hans" else "en"
    assert_escaped(page.content.decode(), f"title-{suffix}-0")


def test_an_objection_with_markup_is_text_for_the_secretariat(edition, organiser):
    result = make_certified(edition, organiser)
    make_hostile(result["nominations"].values())
    publication.open_notice(edition=edition, actor=organiser)
    public = Client()

    notice = public.get(url("publication:notice")).content.decode()
    filed = public.post(
        url("publication:objection"),
        {
            "nomination": "2031-CE-002",
            "name": hostile("objector")[:150],
            "organisation": hostile("objector-org")[:200],
            "email": "objector@example.org",
            "phone": "",
            "reason": hostile("reason"),
            "nectar": "",
            "started": started_token(timezone.now() - timedelta(minutes=1)),
        },
    )
    objection = Objection.objects.get()
    page = signed_in(organiser).get(url("publication:objection_detail", pk=objection.pk))

    assert_escaped(notice, "title-en-0")
    assert filed.status_code == 302
    for label in ("objector", "objector-org", "reason"):
        assert_escaped(page.content.decode(), label)


def test_published_results_show_markup_as_text_everywhere(
    edition, organiser, django_capture_on_commit_callbacks
):
    result = make_certified(edition, organiser)
    make_hostile(result["nominations"].values())
    now = timezone.now()
    publication.open_notice(
        edition=edition,
        actor=organiser,
        opens_at=now - timedelta(days=31),
        closes_at=now - timedelta(days=1),
    )
    publish(edition, organiser, django_capture_on_commit_callbacks)
    public = Client()

    page = public.get(url("publication:results", "en", year=edition.year)).content.decode()
    table = public.get(f"/results/{edition.year}.csv").content.decode("utf-8-sig")
    book = public.get(url("publication:results_book", "en", year=edition.year))

    assert_escaped(page, "title-en-0")
    cells = [cell for row in list(csv.reader(io.StringIO(table)))[1:] for cell in row]
    assert f"'{FORMULA}" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    content = book.content if hasattr(book, "content") else b"".join(book.streaming_content)
    assert SCRIPT in pdf_text(content).replace("\n", "")
