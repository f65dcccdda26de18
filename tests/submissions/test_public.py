"""The public site: every page in both languages, the calendar, the switcher, query counts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from submissions.models import Category
from submissions.stages import STAGE_ORDER, Stage
from submissions.validators import STATEMENT_MAX_CHARACTERS_ZH, STATEMENT_MAX_WORDS_EN
from tests.factories import (
    CategoryFactory,
    DirectionFactory,
    EditionFactory,
    StageWindowFactory,
)
from tests.htmlparse import find_all, find_one
from tests.i18n_checks import assert_main_is_chinese, assert_main_is_english, main_text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAGES = ["home", "criteria", "channels", "calendar", "faq", "contact"]
PATHS = {
    "home": "",
    "criteria": "criteria/",
    "channels": "channels/",
    "calendar": "calendar/",
    "faq": "faq/",
    "contact": "contact/",
}
DIRECTIONS = [
    ("vehicle-integration", "整车集成与控制", "Vehicle integration and control"),
    ("power-battery", "动力电池", "Power battery"),
    ("fuel-cell", "燃料电池", "Fuel cell"),
    ("drive-system", "驱动系统", "Drive system"),
    ("intelligence", "智能化", "Intelligence"),
    ("lightweighting", "轻量化及新材料", "Lightweighting and new materials"),
    ("energy-supply", "能源供给", "Energy supply"),
    ("other", "其他相关技术", "Other related technologies"),
]
# Collection opens 2026-03-01 09:00 in Beijing (01:00 UTC); each stage lasts two weeks.
FIRST_OPENING = datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)


def url(language: str, page: str) -> str:
    return f"/{language}/{PATHS[page]}"


def make_edition(*, stages=None, directions=8, categories=2):
    """The current edition with `stages` windows (default: all), `directions` (of 8) and
    categories."""
    stages = len(STAGE_ORDER) if stages is None else stages
    edition = EditionFactory(
        year=2026,
        is_current=True,
        name_zh="2026全球新能源汽车前沿及创新技术征集评选",
        name_en="2026 Global NEVs Cutting-edge & Innovative Technologies Selection",
    )
    for code in [Category.Code.CUTTING_EDGE, Category.Code.INNOVATIVE][:categories]:
        CategoryFactory(
            edition=edition,
            code=code,
            winners_quota=8,
            criteria_zh=f"{code}：本届补充标准。",
            criteria_en=f"Extra criteria for {code} in this edition.",
        )
    for position, (code, name_zh, name_en) in enumerate(DIRECTIONS[:directions]):
        DirectionFactory(
            edition=edition, code=code, name_zh=name_zh, name_en=name_en, position=position
        )
    for index, stage in enumerate(STAGE_ORDER[:stages]):
        opens = FIRST_OPENING + timedelta(weeks=2 * index)
        StageWindowFactory(
            edition=edition, stage=stage, opens_at=opens, closes_at=opens + timedelta(weeks=2)
        )
    return edition


@pytest.fixture
def edition():
    return make_edition()


# --- Every page, both languages -----------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_in_chinese_with_a_current_edition(client, edition, page):
    response = client.get(url("zh-hans", page))

    assert response.status_code == 200
    assert find_one(response, "html").attrs["lang"] == "zh-hans"
    assert_main_is_chinese(response)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_in_english_with_a_current_edition(client, edition, page):
    response = client.get(url("en", page))

    assert response.status_code == 200
    assert find_one(response, "html").attrs["lang"] == "en"
    assert_main_is_english(response)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_reads_in_its_language_without_an_edition(client, page, language):
    response = client.get(url(language, page))

    assert response.status_code == 200
    if language == "en":
        assert_main_is_english(response)
    else:
        assert_main_is_chinese(response)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hans", "目前没有正在进行的评选"),
        ("en", "No edition is open at the moment."),
    ],
)
def test_calendar_without_an_edition_says_so(client, language, message):
    response = client.get(url(language, "calendar"))

    assert message in response.content.decode()
    assert find_all(response, "ol", data_testid="calendar") == []


def test_home_shows_the_edition_and_its_current_stage(client, edition):
    with time_machine.travel(FIRST_OPENING + timedelta(days=3), tick=False):
        response = client.get(url("en", "home"))

    hero_stage = find_one(response, data_testid="hero-stage")
    assert "Collection of nominations" in hero_stage.text
    assert "2026-03-15 09:00 (UTC+8)" in hero_stage.text
    assert edition.name_en in main_text(response)
    current = find_one(response, "li", aria_current="step")
    assert current.text.startswith("Collection of nominations")


def test_home_links_to_register_sign_in_and_criteria(client, edition):
    response = client.get(url("zh-hans", "home"))

    hrefs = {a.attrs.get("href") for a in find_all(response, "a")}
    assert {"/zh-hans/accounts/signup/", "/zh-hans/accounts/login/", "/zh-hans/criteria/"} <= hrefs


# --- Language by URL, and the switcher ----------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "target"),
    [("zh-CN,zh;q=0.9,en;q=0.5", "/zh-hans/"), ("en-US,en;q=0.9", "/en/")],
)
def test_bare_root_follows_accept_language(client, accept_language, target):
    response = client.get("/", headers={"accept-language": accept_language})

    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize(
    ("path", "target", "label"),
    [
        ("/en/calendar/", "/zh-hans/calendar/", "中文"),
        ("/zh-hans/calendar/", "/en/calendar/", "English"),
    ],
)
def test_language_switch_keeps_the_page(client, path, target, label):
    response = client.get(path)

    switch = find_one(response, "a", data_testid="language-switch")
    assert switch.attrs["href"] == target
    assert switch.text == label


@pytest.mark.parametrize("page", PAGES)
def test_navigation_marks_the_page_being_read(client, page):
    response = client.get(url("en", page))

    current = [a for a in find_all(response, "a", aria_current="page") if "nav-link" in a.classes]
    assert [a.attrs["href"] for a in current] == [url("en", page)]


# --- Calendar -----------------------------------------------------------------------------------


def test_calendar_lists_every_stage_in_order_in_beijing_time(client, edition):
    with time_machine.travel(FIRST_OPENING + timedelta(days=1), tick=False):
        response = client.get(url("en", "calendar"))

    items = find_all(response, "li", data_stage=True)
    assert [item.attrs["data-stage"] for item in items] == STAGE_ORDER
    first = items[0].text
    # Stored as 01:00 UTC, shown as 09:00 Beijing time with the zone.
    assert "Opens 2026-03-01 09:00 (UTC+8)" in first
    assert "Closes 2026-03-15 09:00 (UTC+8)" in first
    assert find_all(response, "time")[0].attrs["datetime"] == "2026-03-01T09:00:00+08:00"


def test_calendar_in_chinese_uses_chinese_dates(client, edition):
    with time_machine.travel(FIRST_OPENING + timedelta(days=1), tick=False):
        response = client.get(url("zh-hans", "calendar"))

    first = find_all(response, "li", data_stage=True)[0]
    assert "2026年3月1日 09:00（UTC+8）" in first.text
    assert "技术征集" in first.text


@pytest.mark.parametrize(
    ("days_after_opening", "current_stage"),
    # Two-week windows one after the other: day 44 falls in the fourth, day 99 in the eighth.
    [(1, Stage.COLLECTION), (44, Stage.PRELIMINARY), (99, Stage.RELEASE)],
)
def test_calendar_highlights_the_stage_that_contains_now(
    client, edition, days_after_opening, current_stage
):
    with time_machine.travel(FIRST_OPENING + timedelta(days=days_after_opening), tick=False):
        response = client.get(url("en", "calendar"))

    items = find_all(response, "li", data_stage=True)
    current = [item for item in items if item.attrs.get("aria-current") == "step"]
    assert [item.attrs["data-stage"] for item in current] == [current_stage]
    assert "is-current" in current[0].classes
    assert "Current stage" in current[0].text
    position = STAGE_ORDER.index(current_stage)
    assert all("is-done" in item.classes for item in items[:position])
    assert all("is-upcoming" in item.classes for item in items[position + 1 :])


def test_calendar_after_the_last_stage_marks_everything_done(client, edition):
    with time_machine.travel(FIRST_OPENING + timedelta(days=200), tick=False):
        response = client.get(url("zh-hans", "calendar"))

    items = find_all(response, "li", data_stage=True)
    assert [item.text.count("已完成") for item in items] == [1] * len(STAGE_ORDER)
    assert find_all(response, "li", aria_current="step") == []


# --- Criteria -----------------------------------------------------------------------------------


def test_criteria_show_the_categories_quotas_and_directions_of_the_edition(client, edition):
    response = client.get(url("en", "criteria"))

    text = response.content.decode()
    assert "Extra criteria for cutting_edge in this edition." in text
    assert "Extra criteria for innovative in this edition." in text
    assert text.count("Up to 8 technologies selected") == 2
    assert [name for _, _, name in DIRECTIONS] == [
        li.text for li in find_all(directions_html(response), "li")
    ]


def test_criteria_in_chinese_show_chinese_names(client, edition):
    response = client.get(url("zh-hans", "criteria"))

    text = response.content.decode()
    assert "cutting_edge：本届补充标准。" in text
    assert "入选不超过 8 项" in text
    assert [name for _, name, _ in DIRECTIONS] == [
        li.text for li in find_all(directions_html(response), "li")
    ]


def directions_html(response) -> str:
    """The list of technical directions, and nothing else of the page."""
    html = response.content.decode()
    start = html.index('<ul class="direction-list" data-testid="directions">')
    return html[start : html.index("</ul>", start) + len("</ul>")]


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 7])
def test_calendar_queries_do_not_grow_with_stages(client, django_assert_num_queries, rows):
    make_edition(stages=rows)

    with django_assert_num_queries(3):  # the edition, its stage windows, the nav's notice
        response = client.get(url("en", "calendar"))

    assert len(find_all(response, "li", data_stage=True)) == rows


@pytest.mark.parametrize(("rows", "categories"), [(1, 1), (8, 2)])
def test_criteria_queries_do_not_grow_with_directions(
    client, django_assert_num_queries, rows, categories
):
    make_edition(directions=rows, categories=categories)

    with django_assert_num_queries(4):  # + the navigation's notice/results state
        response = client.get(url("en", "criteria"))

    assert response.content.decode().count("Up to 8 technologies selected") == categories


@pytest.mark.parametrize("rows", [1, 7])
def test_home_queries_do_not_grow_with_stages(client, django_assert_num_queries, rows):
    make_edition(stages=rows)

    with django_assert_num_queries(4):  # + the navigation's notice/results state
        client.get(url("en", "home"))


# --- FAQ and contact ----------------------------------------------------------------------------


def test_faq_gives_the_release_date_of_the_edition(client, edition):
    response = client.get(url("en", "faq"))

    answers = [p.text for p in find_all(response, "p") if "Release at the Congress" in p.text]
    assert answers == ["Release at the Congress of this edition: 2026-06-07 09:00 (UTC+8)"]


def test_contact_names_the_secretariat_address(client):
    response = client.get(url("zh-hans", "contact"))

    mail = find_all(response, "a", href="mailto:secretariat@wnevc.example")
    assert [a.text for a in mail] == ["secretariat@wnevc.example"]


@pytest.mark.parametrize(
    ("language", "limit"),
    [
        ("en", f"at most {STATEMENT_MAX_WORDS_EN} words"),
        (
            "zh-hans",
            f"中文不超过{STATEMENT_MAX_CHARACTERS_ZH}字，英文不超过{STATEMENT_MAX_WORDS_EN}词",
        ),
    ],
)
def test_the_channels_page_gives_the_statement_limit_the_form_applies(
    client, edition, language, limit
):
    """In Chinese a word limit reads as characters: "100字" would be half what the form takes."""
    assert limit in main_text(client.get(url(language, "channels")))
