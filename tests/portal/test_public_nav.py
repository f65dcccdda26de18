"""The public navigation links to the public notice while it is open and to the results once
they are published, in both languages; before that it links to neither."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.htmlparse import find_all, find_one
from tests.voting.conftest import url
from tests.voting.publication_fixtures import *  # noqa: F403 - the shared publication fixtures

pytestmark = pytest.mark.django_db


def nav_links(response) -> list[tuple[str, str]]:
    """(text, href) of the links of the main navigation's public part, in order."""
    return [
        (link.text, link.attrs["href"])
        for link in find_all(response, "a", data_testid=True)
        if link.attrs["data-testid"] in ("nav-notice", "nav-results")
    ]


def test_neither_link_before_the_notice(client, certified):
    response = client.get(url("submissions:home", "en"))

    assert nav_links(response) == []


@pytest.mark.parametrize(("language", "label"), [("en", "Notice"), ("zh-hans", "公示")])
def test_the_notice_is_linked_while_it_is_open(client, notice, language, label):
    response = client.get(url("submissions:criteria", language))

    assert nav_links(response) == [(label, url("publication:notice", language))]


def test_the_notice_link_goes_once_the_notice_ends(client, edition, organiser, certified):
    from publication import services as publication

    now = timezone.now()
    publication.open_notice(
        edition=edition,
        actor=organiser,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(minutes=1),
    )

    response = client.get(url("submissions:home", "en"))

    assert nav_links(response) == []


def test_the_notice_link_is_marked_current_on_the_notice_page(client, notice):
    response = client.get(url("publication:notice", "en"))

    [link] = find_all(response, "a", data_testid="nav-notice")
    assert (link.attrs.get("aria-current"), "active" in link.classes) == ("page", True)


@pytest.mark.parametrize(("language", "label"), [("en", "Results"), ("zh-hans", "评选结果")])
def test_the_results_are_linked_once_published(client, published, edition, language, label):
    response = client.get(url("submissions:home", language))

    assert nav_links(response) == [(label, url("publication:results", language, year=edition.year))]


def test_an_earlier_editions_results_are_not_the_current_ones(client, published, edition):
    from tests.factories import EditionFactory

    edition.is_current = False
    edition.save(update_fields=["is_current"])
    EditionFactory(year=edition.year + 1, is_current=True)

    response = client.get(url("submissions:home", "en"))

    assert nav_links(response) == []


def _hero_links(response) -> set[str]:
    """Where the home page's big buttons lead (the navbar's own Register link aside)."""
    return {a.attrs["href"] for a in find_all(response, "a") if "btn-lg" in a.classes}


@pytest.mark.parametrize(
    ("language", "label"), [("en", "See the {year} results"), ("zh-hans", "查看{year}年评选结果")]
)
def test_once_published_the_home_page_leads_to_the_results_not_to_nominating(
    client, published, edition, language, label
):
    response = client.get(url("submissions:home", language))

    results = url("publication:results", language, year=edition.year)
    button = find_one(response, "a", data_testid="hero-results")
    assert (button.text, button.attrs["href"]) == (label.format(year=edition.year), results)
    html = response.content.decode()
    note = html[html.index('data-testid="past-edition-note"') :]
    assert f'href="{results}"' in note[: note.index("</p>")]
    assert url("account_signup", language) not in _hero_links(response)


def test_before_publication_the_home_page_invites_nominations(client, certified):
    response = client.get(url("submissions:home", "en"))

    assert find_all(response, "a", data_testid="hero-results") == []
    assert url("account_signup", "en") in _hero_links(response)
