"""The secretariat edits the text of its own recommendation: the page (linked from the check
page), the save, the autosave at its own URL, two tabs, and 404 for every other channel."""

import pytest

from core.models import AuditEvent
from submissions.recommendations import create_secretariat_nomination
from submissions.services import submit_nomination
from submissions.states import NominationState
from tests.htmlparse import find_all, find_one

from .conftest import complete, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Organisers must set up TOTP first (tested in tests/accounts); here the pages.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def recommendation(edition, cutting_edge, direction, organisation, organiser):
    return create_secretariat_nomination(
        edition=edition,
        organisation=organisation,
        actor=organiser,
        category=cutting_edge,
        direction=direction,
        title_zh="液态有机储氢",
        title_en="Liquid organic hydrogen carrier",
        summary_zh="常温常压下储运氢气。",
        summary_en="Hydrogen stored and moved at ambient conditions.",
        description_en="A carrier liquid binds hydrogen.",
        innovations_en="Catalyst.",
        indicators_en="6.2 wt%.",
        application_en="Pilot line.",
        trl=3,
        application_status="research",
    )


def form_data(nomination, **changes) -> dict:
    data = {
        "version": nomination.version,
        "category": nomination.category_id,
        "direction": nomination.direction_id,
        "trl": nomination.trl,
        "application_status": nomination.application_status,
    }
    for name in ("title", "summary", "description", "innovations", "indicators", "application"):
        for language in ("zh", "en"):
            data[f"{name}_{language}"] = getattr(nomination, f"{name}_{language}")
    for prefix in ("completing", "people", "patents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_check_page_links_to_the_edit_page_whose_autosave_is_the_secretariats(
    client, organiser, recommendation
):
    client.force_login(organiser)

    detail = client.get(url("submissions:formalcheck_detail", code=recommendation.code))
    edit_url = find_one(detail, "a", data_testid="secretariat-edit").attrs["href"]
    page = client.get(edit_url)

    assert edit_url == url("submissions:secretariat_nomination_edit", code=recommendation.code)
    form = find_one(page, "form", id="nomination-form")
    assert form.attrs["hx-post"] == url(
        "submissions:secretariat_nomination_autosave", code=recommendation.code
    )
    assert find_one(page, "input", name="title_en").attrs["value"] == (
        "Liquid organic hydrogen carrier"
    )
    assert find_one(page, "p", data_testid="on-behalf-of").text == (
        f"On behalf of {recommendation.organisation.name_en}"
    )
    # The organisation is fixed once created: no "on behalf of" choice on the edit page.
    assert find_all(page, "select", name="who-organisation") == []


def test_organiser_saves_changed_text_through_the_update_service(client, organiser, recommendation):
    client.force_login(organiser)

    response = client.post(
        url("submissions:secretariat_nomination_edit", code=recommendation.code),
        form_data(recommendation, title_en="Liquid organic hydrogen carrier (LOHC)"),
    )

    assert response["Location"] == url(
        "submissions:secretariat_nomination_edit", code=recommendation.code
    )
    recommendation.refresh_from_db()
    assert recommendation.title_en == "Liquid organic hydrogen carrier (LOHC)"
    assert recommendation.version == 2
    event = AuditEvent.objects.filter(object_id=str(recommendation.pk)).latest("id")
    assert event.actor == organiser


def test_save_and_review_returns_to_the_check_page(client, organiser, recommendation):
    client.force_login(organiser)

    response = client.post(
        url("submissions:secretariat_nomination_edit", code=recommendation.code),
        form_data(recommendation, summary_en="Stored at ambient pressure.", go_submit="1"),
    )

    assert response["Location"] == url("submissions:formalcheck_detail", code=recommendation.code)
    recommendation.refresh_from_db()
    assert recommendation.summary_en == "Stored at ambient pressure."


def test_autosave_saves_and_answers_the_new_version(client, organiser, recommendation):
    client.force_login(organiser)

    response = client.post(
        url("submissions:secretariat_nomination_autosave", code=recommendation.code),
        form_data(recommendation, indicators_en="6.5 wt%."),
    )

    assert find_one(response, "span", role="status").text.startswith("Draft saved automatically at")
    assert find_one(response, "input", name="version").attrs["value"] == "2"
    recommendation.refresh_from_db()
    assert recommendation.indicators_en == "6.5 wt%."


def test_a_stale_edit_is_refused_and_keeps_the_input(client, organiser, recommendation):
    client.force_login(organiser)
    stale = form_data(recommendation, title_en="Typed in the second tab")
    client.post(
        url("submissions:secretariat_nomination_autosave", code=recommendation.code),
        form_data(recommendation, title_en="Saved in the first tab"),
    )

    response = client.post(
        url("submissions:secretariat_nomination_edit", code=recommendation.code), stale
    )

    assert "was saved elsewhere" in find_one(response, "div", data_testid="form-error").text
    assert find_one(response, "input", name="title_en").attrs["value"] == (
        "Typed in the second tab"
    )
    recommendation.refresh_from_db()
    assert recommendation.title_en == "Saved in the first tab"


def test_a_submitted_recommendation_stays_editable_in_the_window(client, organiser, recommendation):
    complete(recommendation, organiser)
    submit_nomination(nomination=recommendation, actor=organiser)
    recommendation.refresh_from_db()
    client.force_login(organiser)

    detail = client.get(url("submissions:formalcheck_detail", code=recommendation.code))
    response = client.post(
        url("submissions:secretariat_nomination_edit", code=recommendation.code),
        form_data(recommendation, innovations_en="A new catalyst."),
    )

    assert find_all(detail, "a", data_testid="secretariat-edit") != []
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.state, recommendation.innovations_en) == (
        NominationState.SUBMITTED,
        "A new catalyst.",
    )


def test_other_channels_are_404_and_not_linked(client, organiser, complete_nomination):
    client.force_login(organiser)

    detail = client.get(url("submissions:formalcheck_detail", code=complete_nomination.code))
    edit = client.get(url("submissions:secretariat_nomination_edit", code=complete_nomination.code))
    autosave = client.post(
        url("submissions:secretariat_nomination_autosave", code=complete_nomination.code),
        form_data(complete_nomination, title_en="Changed by the secretariat"),
    )

    assert find_all(detail, "a", data_testid="secretariat-edit") == []
    assert (edit.status_code, autosave.status_code) == (404, 404)
    complete_nomination.refresh_from_db()
    assert complete_nomination.title_en != "Changed by the secretariat"


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_only_organisers_reach_the_secretariat_edit_page(client, recommendation, persona, request):
    client.force_login(request.getfixturevalue(persona))

    edit = client.get(url("submissions:secretariat_nomination_edit", code=recommendation.code))
    autosave = client.post(
        url("submissions:secretariat_nomination_autosave", code=recommendation.code),
        form_data(recommendation, title_en="Changed by someone else"),
    )

    assert (edit.status_code, autosave.status_code) == (404, 404)
    recommendation.refresh_from_db()
    assert recommendation.title_en == "Liquid organic hydrogen carrier"
