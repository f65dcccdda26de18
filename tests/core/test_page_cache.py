"""Whole public pages cached for anonymous visitors, and shown fresh when their state changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.page_cache import clear_page_memo
from tests.factories import EditionFactory, UserFactory


@pytest.fixture
def edition(db):
    return EditionFactory(is_current=True, name_en="Selection 2031", name_zh="2031评选")


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, len(captured.captured_queries)


def test_a_repeated_anonymous_visit_is_served_from_the_cache_with_one_query(client, edition):
    first, first_queries = queries_for(client, "/en/")
    again, again_queries = queries_for(client, "/en/")

    assert again.content == first.content
    assert "Selection 2031" in again.content.decode()
    # Only the state the key depends on is read; the page is not rendered again.
    assert (again_queries, first_queries > again_queries) == (1, True)


def test_each_language_has_its_own_copy(client, edition):
    client.get("/en/")

    chinese = client.get("/zh-hans/").content.decode()

    assert "2031评选" in chinese
    assert "Selection 2031" not in chinese


def test_an_edited_edition_shows_at_once(client, edition):
    client.get("/en/")
    edition.name_en = "Selection 2031, renamed"
    edition.save()

    page = client.get("/en/").content.decode()

    assert "Selection 2031, renamed" in page


def test_a_signed_in_visitor_gets_the_page_rendered_for_them(client, edition):
    client.get("/en/")
    user = UserFactory()
    client.force_login(user)

    page = client.get("/en/").content.decode()

    assert "Sign out" in page


def test_the_process_memo_serves_without_any_query_and_is_cleared(client, edition, settings):
    settings.PAGE_MEMO_SECONDS = 60
    client.get("/en/")

    remembered, remembered_queries = queries_for(client, "/en/")
    clear_page_memo()
    edition.name_en = "Selection 2031, renamed"
    edition.save()
    fresh = client.get("/en/").content.decode()

    assert remembered_queries == 0
    assert "Selection 2031" in remembered.content.decode()
    assert "Selection 2031, renamed" in fresh
