"""The recommending expert's edit page autosaves to an endpoint of its own (the nominator's
needs an organisation, which an expert does not have): text and statement are saved, and every
other account gets 404."""

import pytest

from review.models import Expert
from submissions.recommendations import recommend_technology
from tests.factories import UserFactory
from tests.htmlparse import find_one

from .conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.WNEVC_REQUIRE_MFA = False


def make_member(edition, user):
    return Expert.objects.create(
        edition=edition,
        user=user,
        name_zh="王建华",
        name_en="Wang Jianhua",
        affiliation_zh="东岳理工大学",
        affiliation_en="Dongyue University of Technology",
    )


@pytest.fixture
def member(edition, expert):
    return make_member(edition, expert)


@pytest.fixture
def recommendation(member, cutting_edge, direction):
    return recommend_technology(
        expert=member,
        actor=member.user,
        category=cutting_edge,
        organisation_fields={
            "name_zh": "华夏动力电池科技有限公司",
            "name_en": "Huaxia Power Battery Technology Co., Ltd.",
            "kind": "enterprise",
            "country": "China",
        },
        statement_zh="该技术指标领先，建议推荐。",
        statement_en="Clearly ahead on key indicators; I recommend it.",
        title_zh="钠离子电池",
        title_en="Sodium-ion battery",
        direction=direction,
    )


def autosave_data(nomination, **changes) -> dict:
    data = {
        "version": nomination.version,
        "category": nomination.category_id,
        "direction": nomination.direction_id,
        "title_zh": nomination.title_zh,
        "title_en": nomination.title_en,
        "statement-statement_zh": "该技术指标领先，建议推荐。",
        "statement-statement_en": "Clearly ahead on key indicators; I recommend it.",
    }
    for prefix in ("completing", "people", "patents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_the_edit_page_autosaves_to_the_experts_endpoint(client, member, recommendation):
    client.force_login(member.user)

    page = client.get(url("submissions:expert_recommendation_edit", code=recommendation.code))

    assert find_one(page, "form", id="nomination-form").attrs["hx-post"] == url(
        "submissions:expert_recommendation_autosave", code=recommendation.code
    )


def test_autosave_saves_the_text_and_the_statement(client, member, recommendation):
    client.force_login(member.user)

    response = client.post(
        url("submissions:expert_recommendation_autosave", code=recommendation.code),
        autosave_data(
            recommendation,
            title_en="Sodium-ion battery for cold climates",
            **{"statement-statement_en": "Works at -30 °C; I recommend it."},
        ),
    )

    assert find_one(response, "span", role="status").text.startswith("Draft saved automatically at")
    assert find_one(response, "input", name="version").attrs["value"] == "2"
    recommendation.refresh_from_db()
    assert (recommendation.title_en, recommendation.recommendation.statement_en) == (
        "Sodium-ion battery for cold climates",
        "Works at -30 °C; I recommend it.",
    )


def test_a_stale_autosave_saves_nothing(client, member, recommendation):
    client.force_login(member.user)
    url_ = url("submissions:expert_recommendation_autosave", code=recommendation.code)
    client.post(url_, autosave_data(recommendation, title_en="From the first tab"))

    response = client.post(url_, autosave_data(recommendation, title_en="From the second tab"))

    assert find_one(response, "span", role="alert").attrs.get("data-stale") == "1"
    recommendation.refresh_from_db()
    assert recommendation.title_en == "From the first tab"


@pytest.mark.parametrize("persona", ["nominator", "organiser", "another_expert"])
def test_every_other_account_gets_404(client, recommendation, edition, persona, request):
    if persona == "another_expert":
        user = make_member(edition, UserFactory(roles=["expert"])).user
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.post(
        url("submissions:expert_recommendation_autosave", code=recommendation.code),
        autosave_data(recommendation, title_en="Changed by someone else"),
    )

    assert response.status_code == 404
    recommendation.refresh_from_db()
    assert recommendation.title_en == "Sodium-ion battery"
