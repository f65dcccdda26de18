"""Expert recommendation: the channel, the statement, and the quota of two per category."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from core.models import AuditEvent
from review.models import Expert
from submissions.models import Nomination, Recommendation
from submissions.queries import nominations_visible_to
from submissions.recommendations import QuotaExceeded, recommend_technology
from submissions.services import NominationError, transition
from submissions.states import Channel, NominationState
from tests.factories import OrganisationFactory, UserFactory
from tests.htmlparse import find_one

from .conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Experts must set up TOTP first (tested in tests/accounts); here the pages.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def member(edition, expert):
    return Expert.objects.create(
        edition=edition,
        user=expert,
        name_zh="王建华",
        name_en="Wang Jianhua",
        affiliation_zh="东岳理工大学",
        affiliation_en="Dongyue University of Technology",
    )


def recommend(member, category, title="钠离子电池", **extra):
    return recommend_technology(
        expert=member,
        actor=member.user,
        category=category,
        organisation_fields={
            "name_zh": "华夏动力电池科技有限公司",
            "name_en": "Huaxia Power Battery Technology Co., Ltd.",
            "kind": "enterprise",
            "country": "China",
        },
        statement_zh="该技术指标领先，建议推荐。",
        statement_en="Clearly ahead on key indicators; I recommend it.",
        title_zh=title,
        title_en=f"{title} (en)",
        **extra,
    )


def test_recommendation_is_an_expert_channel_draft_with_a_statement(member, cutting_edge):
    nomination = recommend(member, cutting_edge)

    assert nomination.channel == Channel.EXPERT
    assert nomination.state == NominationState.DRAFT
    assert nomination.created_by == member.user
    assert nomination.organisation.name_en == "Huaxia Power Battery Technology Co., Ltd."
    recommendation = Recommendation.objects.get(nomination=nomination)
    assert (recommendation.recommender, recommendation.statement_zh) == (
        member.user,
        "该技术指标领先，建议推荐。",
    )
    assert AuditEvent.objects.filter(
        action="nomination.recommended", object_id=str(nomination.pk), actor=member.user
    ).exists()


def test_second_recommendation_reuses_the_same_organisation(member, cutting_edge):
    first = recommend(member, cutting_edge, "一")
    second = recommend(member, cutting_edge, "二")

    assert first.organisation_id == second.organisation_id


def test_third_recommendation_in_a_category_is_refused(member, cutting_edge, innovative):
    recommend(member, cutting_edge, "一")
    recommend(member, cutting_edge, "二")

    with pytest.raises(QuotaExceeded):
        recommend(member, cutting_edge, "三")
    other_category = recommend(member, innovative, "四")

    assert other_category.category == innovative
    assert Nomination.objects.filter(category=cutting_edge, channel=Channel.EXPERT).count() == 2


def test_a_withdrawn_recommendation_frees_its_place(member, cutting_edge):
    first = recommend(member, cutting_edge, "一")
    recommend(member, cutting_edge, "二")
    transition(nomination=first, to_state=NominationState.WITHDRAWN, actor=member.user)

    third = recommend(member, cutting_edge, "三")

    assert third.title_zh == "三"


def test_quota_is_per_expert(member, edition, cutting_edge):
    recommend(member, cutting_edge, "一")
    recommend(member, cutting_edge, "二")
    colleague = Expert.objects.create(
        edition=edition,
        user=UserFactory(roles=["expert"]),
        name_zh="李明远",
        name_en="Li Mingyuan",
        affiliation_zh="南湖大学",
        affiliation_en="Nanhu University",
    )

    nomination = recommend(colleague, cutting_edge, "三")

    assert nomination.created_by == colleague.user


def test_statement_over_100_english_words_is_refused(member, cutting_edge):
    with pytest.raises(NominationError) as refused:
        recommend_technology(
            expert=member,
            actor=member.user,
            category=cutting_edge,
            organisation=OrganisationFactory(),
            statement_zh="推荐。",
            statement_en=" ".join(["word"] * 101),
            title_zh="一",
        )

    assert "100" in refused.value.message
    assert Nomination.objects.count() == 0


def test_only_the_expert_can_recommend_in_their_name(member, cutting_edge, nominator):
    with pytest.raises(NominationError):
        recommend_technology(
            expert=member,
            actor=nominator,
            category=cutting_edge,
            organisation=OrganisationFactory(),
            statement_zh="推荐。",
            statement_en="Recommended.",
        )

    assert Nomination.objects.count() == 0


def test_the_recommending_expert_sees_and_edits_only_their_recommendations(
    member, cutting_edge, nomination
):
    own = recommend(member, cutting_edge)

    assert list(nominations_visible_to(member.user)) == [own]


# --- pages ----------------------------------------------------------------------------------


def recommend_form_data(category, direction, **extra):
    data = {
        "category": category.pk,
        "direction": direction.pk,
        "title_zh": "800V碳化硅电驱系统",
        "title_en": "800 V SiC electric drive system",
        "summary_zh": "高效电驱。",
        "summary_en": "An efficient drive.",
        "who-new_name_zh": "海川电驱动系统有限公司",
        "who-new_name_en": "Haichuan Electric Drive Systems Co., Ltd.",
        "who-new_kind": "enterprise",
        "who-new_country": "China",
        "statement-statement_zh": "建议推荐。",
        "statement-statement_en": "I recommend it.",
    }
    for prefix in ("completing", "people", "patents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(extra)
    return data


def test_expert_recommends_through_the_form(client, member, innovative, direction):
    client.force_login(member.user)

    response = client.post(
        url("submissions:expert_recommend"), recommend_form_data(innovative, direction)
    )

    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("submissions:expert_recommendation", code=nomination.code)
    assert (nomination.channel, nomination.title_en, nomination.organisation.name_zh) == (
        Channel.EXPERT,
        "800 V SiC electric drive system",
        "海川电驱动系统有限公司",
    )
    assert nomination.recommendation.statement_en == "I recommend it."


@pytest.mark.parametrize(
    ("language", "closed"),
    [
        ("en", "The collection window is closed; nominations can no longer be created or changed."),
        ("zh-hans", "征集已截止，不能再新建或修改申报。"),
    ],
)
def test_after_the_collection_window_the_expert_is_told_before_filling_in_a_form(
    client, member, edition, innovative, language, closed
):
    edition.stage_windows.update(
        opens_at=timezone.now() - timedelta(days=40), closes_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(member.user)

    page = client.get(url("submissions:expert_recommendations", language))
    opened = client.get(url("submissions:expert_recommend", language), follow=True)

    assert closed in find_one(page, "div", data_testid="recommending-closed").text
    assert url("submissions:expert_recommend", language) not in page.content.decode()
    assert opened.redirect_chain == [(url("submissions:expert_recommendations", language), 302)]
    assert closed in opened.content.decode()
    assert not Nomination.objects.exists()


def test_form_over_quota_says_so_and_keeps_the_input(client, member, innovative, direction):
    recommend(member, innovative, "一")
    recommend(member, innovative, "二")
    client.force_login(member.user)

    response = client.post(
        url("submissions:expert_recommend", "en"), recommend_form_data(innovative, direction)
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "You have already recommended 2 technologies in this category." in body
    assert "800 V SiC electric drive system" in body
    assert "I recommend it." in body
    assert Nomination.objects.count() == 2


def test_expert_pages_are_404_for_non_members(client, nominator, organiser, expert, edition):
    # `expert` is in the expert group but no member of this edition's committee.
    for user in (nominator, organiser, expert):
        client.force_login(user)
        for name in ("submissions:expert_recommendations", "submissions:expert_recommend"):
            assert client.get(url(name)).status_code == 404, (user, name)


def test_expert_cannot_open_another_experts_recommendation(client, member, edition, cutting_edge):
    other = Expert.objects.create(
        edition=edition,
        user=UserFactory(roles=["expert"]),
        name_zh="李明远",
        name_en="Li Mingyuan",
        affiliation_zh="南湖大学",
        affiliation_en="Nanhu University",
    )
    theirs = recommend(other, cutting_edge)
    client.force_login(member.user)

    response = client.get(url("submissions:expert_recommendation", code=theirs.code))

    assert response.status_code == 404


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_cannot_both_take_the_last_place(edition, expert):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite serialises every write anyway.")
    member = Expert.objects.create(
        edition=edition,
        user=expert,
        name_zh="王建华",
        name_en="Wang Jianhua",
        affiliation_zh="东岳理工大学",
        affiliation_en="Dongyue University of Technology",
    )
    cutting_edge = edition.categories.get(code="cutting_edge")
    recommend(member, cutting_edge, "一")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(title):
        try:
            barrier.wait()
            recommend(member, cutting_edge, title)
            outcomes.append("created")
        except QuotaExceeded:
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in ("二", "三")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["created", "refused"]
    assert Nomination.objects.filter(channel=Channel.EXPERT, category=cutting_edge).count() == 2


def test_the_new_recommendation_pages_say_whose_organisation_it_is_in_chinese(
    client, member, organiser, cutting_edge
):
    client.force_login(member.user)
    expert_page = client.get(url("submissions:expert_recommend", "zh-hans")).content.decode()
    client.force_login(organiser)
    secretariat_page = client.get(
        url("submissions:secretariat_nomination_create", "zh-hans")
    ).content.decode()

    assert '<h2 class="h4" id="section-organisation">技术所属单位</h2>' in expert_page
    assert '<h2 class="h4" id="section-organisation">推荐单位</h2>' in secretariat_page
    for page in (expert_page, secretariat_page):
        assert 'name="who-organisation"' in page and 'name="who-new_name_zh"' in page
