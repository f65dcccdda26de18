"""The organisers' admin for editions: creating one with its parts, and keeping one current."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from submissions.models import Category, Direction, Edition, StageWindow
from submissions.stages import STAGE_ORDER
from tests.factories import (
    CategoryFactory,
    DirectionFactory,
    EditionFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/en/admin/submissions/edition/add/"
LIST_URL = "/en/admin/submissions/edition/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # These tests are about the admin, not about TOTP (tests/accounts cover that).
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def organiser(client):
    user = UserFactory(roles=["organiser"])
    client.force_login(user)
    return user


def management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def edition_post(year=2031, *, is_current=True, first_opens=None, overlap=False):
    """What the add form posts: the edition, a window per stage, two categories, 8 directions."""
    data = {
        "year": str(year),
        "name_zh": f"{year}全球新能源汽车前沿及创新技术评选",
        "name_en": f"{year} Global NEVs Cutting-edge & Innovative Technologies Selection",
        "committee_size": "31",
        "quorum": "0.6667",
        "threshold": "0.5",
        "reviewers_per_entry": "5",
        "_save": "Save",
    }
    if is_current:
        data["is_current"] = "on"
    opens = first_opens or datetime(year, 3, 1, tzinfo=SHANGHAI)
    data.update(management("stage_windows", len(STAGE_ORDER)))
    for number, stage in enumerate(STAGE_ORDER):
        closes = opens + timedelta(days=20)
        if overlap and number == 1:
            opens -= timedelta(days=2)
        data.update(
            {
                f"stage_windows-{number}-stage": stage,
                f"stage_windows-{number}-opens_at_0": f"{opens:%Y-%m-%d}",
                f"stage_windows-{number}-opens_at_1": f"{opens:%H:%M:%S}",
                f"stage_windows-{number}-closes_at_0": f"{closes:%Y-%m-%d}",
                f"stage_windows-{number}-closes_at_1": f"{closes:%H:%M:%S}",
            }
        )
        opens = closes
    data.update(management("categories", 2))
    for number, (code, name_zh, name_en) in enumerate(
        [
            ("cutting_edge", "前沿技术", "Cutting-edge Technologies"),
            ("innovative", "创新技术", "Innovative Technologies"),
        ]
    ):
        data.update(
            {
                f"categories-{number}-code": code,
                f"categories-{number}-name_zh": name_zh,
                f"categories-{number}-name_en": name_en,
                f"categories-{number}-criteria_zh": "前瞻性、引领性。",
                f"categories-{number}-criteria_en": "Forward-looking and leading.",
                f"categories-{number}-winners_quota": "8",
                f"categories-{number}-shortlist_size": "16",
            }
        )
    data.update(management("directions", 8))
    for number in range(8):
        data.update(
            {
                f"directions-{number}-position": str(number + 1),
                f"directions-{number}-code": f"direction-{number + 1}",
                f"directions-{number}-name_zh": f"方向{number + 1}",
                f"directions-{number}-name_en": f"Direction {number + 1}",
            }
        )
    return data


def test_organiser_creates_an_edition_with_its_parts_and_it_becomes_the_only_current_one(
    client, organiser
):
    previous = EditionFactory(year=2030, is_current=True)

    response = client.post(ADD_URL, edition_post(2031))

    assert response.status_code == 302, response.context and response.context["errors"]
    edition = Edition.objects.get(year=2031)
    assert list(Edition.objects.filter(is_current=True)) == [edition]
    previous.refresh_from_db()
    assert previous.is_current is False
    assert [w.stage for w in StageWindow.objects.filter(edition=edition)] == STAGE_ORDER
    assert StageWindow.objects.get(edition=edition, stage="collection").opens_at == datetime(
        2031, 3, 1, tzinfo=SHANGHAI
    )
    categories = Category.objects.filter(edition=edition).order_by("code")
    assert [(c.code, c.winners_quota) for c in categories] == [
        ("cutting_edge", 8),
        ("innovative", 8),
    ]
    assert Direction.objects.filter(edition=edition).count() == 8
    assert list(AuditEvent.objects.values_list("action", "object_id", "actor")) == [
        ("edition.created", str(edition.pk), organiser.pk)
    ]


def test_an_edition_saved_as_not_current_leaves_the_current_one(client, organiser):
    current = EditionFactory(year=2030, is_current=True)

    client.post(ADD_URL, edition_post(2031, is_current=False))

    assert list(Edition.objects.filter(is_current=True)) == [current]
    assert Edition.objects.filter(year=2031).exists()


def test_the_current_edition_cannot_simply_stop_being_current(client, organiser):
    edition = EditionFactory(year=2030, is_current=True)
    data = edition_post(2030, is_current=False)
    for prefix in ("stage_windows", "categories", "directions"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"

    response = client.post(f"/en/admin/submissions/edition/{edition.pk}/change/", data)

    assert response.status_code == 200
    assert "make another edition current" in response.content.decode()
    edition.refresh_from_db()
    assert edition.is_current is True


def test_overlapping_stage_windows_are_refused_and_nothing_is_saved(client, organiser):
    response = client.post(ADD_URL, edition_post(2031, overlap=True))

    assert response.status_code == 200
    assert "Formal check opens before Collection of nominations closes" in (
        response.content.decode()
    )
    assert not Edition.objects.exists()


def test_add_page_offers_the_standard_set_up_in_chinese(client, organiser):
    EditionFactory(year=2030, is_current=True)

    response = client.get("/zh-hans/admin/submissions/edition/add/")

    page = response.content.decode()
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.initial["year"] == 2031
    assert form.initial["name_zh"] == "2031全球新能源汽车前沿及创新技术评选"
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert [f.initial["stage"] for f in formsets["stage_windows"].forms] == STAGE_ORDER
    assert [f.initial["code"] for f in formsets["categories"].forms] == [
        "cutting_edge",
        "innovative",
    ]
    assert [f.initial["name_zh"] for f in formsets["directions"].forms][:2] == [
        "整车集成与控制",
        "动力电池",
    ]
    # The page reads in Chinese: our verbose names and explanations are translated.
    for chinese in ["届次", "阶段日程", "类别", "技术方向", "委员会人数", "法定投票率", "当选门槛"]:
        assert chinese in page, chinese
    assert "Committee and final-evaluation ballot" not in page
    assert "stage calendar" not in page.lower()


def test_changelist_shows_which_edition_is_current_and_its_stage(client, organiser):
    edition = EditionFactory(year=2030, is_current=True)
    StageWindowFactory(edition=edition, stage="collection")
    CategoryFactory(edition=edition, code="cutting_edge", name_zh="前沿技术", winners_quota=8)
    EditionFactory(year=2029, is_current=False)

    response = client.get("/zh-hans/admin/submissions/edition/")

    rows = list(response.context["cl"].result_list)
    assert [e.year for e in rows] == [2030, 2029]
    page = response.content.decode()
    assert "技术征集" in page  # the stage open now
    assert "前沿技术 8" in page
    assert page.count('alt="True"') == 1  # one current edition


def test_changelist_query_count_does_not_grow_with_editions(client, organiser):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            client.get(LIST_URL)
        return len(captured)

    edition = EditionFactory(year=2030, is_current=True)
    StageWindowFactory(edition=edition)
    one = queries_for_list()
    for year in (2028, 2029):
        StageWindowFactory(edition=EditionFactory(year=year))
        CategoryFactory(edition=Edition.objects.get(year=year))

    assert queries_for_list() == one


def test_make_current_action_moves_the_flag(client, organiser):
    old = EditionFactory(year=2030, is_current=True)
    new = EditionFactory(year=2031)

    client.post(
        LIST_URL,
        {"action": "make_current", "_selected_action": [new.pk], "index": "0"},
    )

    assert list(Edition.objects.filter(is_current=True)) == [new]
    old.refresh_from_db()
    assert old.is_current is False


def test_organiser_reaches_the_expert_list_in_chinese(client, organiser):
    response = client.get("/zh-hans/admin/review/expert/")

    assert response.status_code == 200
    assert "委员会专家" in response.content.decode()


def test_nominator_gets_no_admin_access(client):
    nominator = UserFactory(organisation=OrganisationFactory())
    client.force_login(nominator)

    listing = client.get(LIST_URL)
    posted = client.post(ADD_URL, edition_post(2031))

    assert listing.status_code == 302
    assert "login" in listing["Location"]
    assert posted.status_code == 302
    assert not Edition.objects.exists()


def test_organiser_group_may_run_editions_and_the_committee_after_migrate():
    from django.contrib.auth.models import Group

    permissions = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="organiser").permissions.select_related("content_type")
    }

    assert {
        "submissions.add_edition",
        "submissions.change_edition",
        "submissions.add_stagewindow",
        "submissions.add_category",
        "submissions.add_direction",
        "review.add_expert",
        "review.change_expert",
        "accounts.view_organisation",
    } <= permissions


def test_admin_index_lists_our_models_in_chinese(client, organiser):
    response = client.get("/zh-hans/admin/")

    page = response.content.decode()
    assert response.status_code == 200
    for chinese in ["届次", "委员会专家", "单位", "用户"]:
        assert chinese in page, chinese
    assert "Editions" not in page


@pytest.mark.parametrize("model_name", ["edition", "stagewindow", "category", "direction"])
def test_verbose_names_of_edition_models_are_translated(model_name):
    from django.apps import apps
    from django.utils import translation

    model = apps.get_model("submissions", model_name)
    labels = [model._meta.verbose_name, model._meta.verbose_name_plural] + [
        field.verbose_name for field in model._meta.concrete_fields if field.name != "id"
    ]

    with translation.override("zh-hans"):
        untranslated = [str(label) for label in labels if not _has_chinese(str(label))]

    assert untranslated == []


def test_verbose_names_of_experts_are_translated():
    from django.utils import translation

    from review.models import Expert

    labels = [Expert._meta.verbose_name, Expert._meta.verbose_name_plural] + [
        field.verbose_name
        for field in [*Expert._meta.concrete_fields, *Expert._meta.many_to_many]
        if field.name != "id"
    ]

    with translation.override("zh-hans"):
        untranslated = [str(label) for label in labels if not _has_chinese(str(label))]

    assert untranslated == []


def _has_chinese(text):
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def test_organiser_edits_an_expert_in_chinese(client, organiser):
    from review.models import Expert

    edition = EditionFactory(year=2030)
    direction = DirectionFactory(edition=edition, name_zh="动力电池", name_en="Power battery")
    expert = Expert.objects.create(
        edition=edition,
        user=UserFactory(roles=["expert"]),
        name_zh="王建华",
        name_en="Wang Jianhua",
        affiliation_zh="清华大学",
        affiliation_en="Tsinghua University",
    )

    response = client.get(f"/zh-hans/admin/review/expert/{expert.pk}/change/")

    page = response.content.decode()
    assert response.status_code == 200
    for chinese in ["姓名与工作单位", "专业领域", "邀请", "2030 · 动力电池"]:
        assert chinese in page, chinese
    assert direction.pk in [
        d.pk for d in response.context["adminform"].form["directions"].field.queryset
    ]


# --- Nominations: shown, never changed, in the admin (changes go through the services) -------


def test_organiser_sees_nominations_in_the_admin_but_cannot_change_them(client, organiser):
    from submissions.models import Nomination
    from tests.factories import NominationFactory

    nomination = NominationFactory(title_en="Sodium-ion pack")
    change_url = f"/en/admin/submissions/nomination/{nomination.pk}/change/"

    listing = client.get("/en/admin/submissions/nomination/")
    page = client.get(change_url)
    posted = client.post(change_url, {"title_en": "Changed in the admin"})

    assert "Sodium-ion pack" in listing.content.decode()
    assert "Sodium-ion pack" in page.content.decode()
    assert posted.status_code == 403
    assert Nomination.objects.get().title_en == "Sodium-ion pack"
