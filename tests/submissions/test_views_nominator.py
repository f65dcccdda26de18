"""The nominator's pages, walked by each persona; constant query counts of the list."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from submissions.models import Declaration, Nomination, StageWindow, StateChange
from submissions.stages import Stage
from tests.factories import (
    NominationFactory,
    OrganisationFactory,
    StateChangeFactory,
    UserFactory,
)
from tests.htmlparse import find_all, find_one

from .conftest import complete, url

pytestmark = pytest.mark.django_db

NOMINATION_PAGES = (
    "nomination_detail",
    "nomination_edit",
    "nomination_submit",
    "nomination_withdraw",
)


def form_data(nomination, **overrides) -> dict:
    """What the browser posts from the nomination form, filled from the nomination."""
    data = {
        "category": nomination.category_id,
        "direction": nomination.direction_id or "",
        "trl": nomination.trl or "",
        "application_status": nomination.application_status,
        "version": nomination.version,
        "completing-TOTAL_FORMS": "0",
        "completing-INITIAL_FORMS": "0",
        "people-TOTAL_FORMS": "0",
        "people-INITIAL_FORMS": "0",
        "patents-TOTAL_FORMS": "0",
        "patents-INITIAL_FORMS": "0",
    }
    for field in ("title", "summary", "description", "innovations", "indicators", "application"):
        for language in ("zh", "en"):
            data[f"{field}_{language}"] = getattr(nomination, f"{field}_{language}")
    if nomination.pk:
        data["declarations"] = [d.kind for d in nomination.declarations.all()]
    data.update(overrides)
    return data


# --- anonymous and people without an organisation -------------------------------------------


@pytest.mark.parametrize("name", NOMINATION_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, nomination, name):
    response = client.get(url(f"submissions:{name}", code=nomination.code))

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_a_person_without_an_organisation_is_asked_for_one_first(client, edition):
    client.force_login(UserFactory())

    response = client.get(url("submissions:nomination_create"))

    assert response["Location"] == url("submissions:organisation_profile")


# A complete organisation profile, as the form posts it.
PROFILE = {
    "name_zh": "清华大学",
    "name_en": "Tsinghua University",
    "kind": "university",
    "country": "中国",
    "address": "北京市海淀区",
    "contact_name": "李华",
    "contact_phone": "+86 10 1234 5678",
    "contact_email": "lihua@tsinghua.example.cn",
}


def test_the_organisation_profile_creates_the_organisation_and_joins_it(client, edition):
    person = UserFactory()
    client.force_login(person)

    response = client.post(url("submissions:organisation_profile"), PROFILE)

    person.refresh_from_db()
    assert response["Location"] == url("submissions:nomination_list")
    assert (person.organisation.name_en, person.organisation.kind) == (
        "Tsinghua University",
        "university",
    )


def test_a_new_profile_offers_the_account_e_mail_as_the_contact(client, edition):
    client.force_login(UserFactory(email="wang.fang@example.cn"))

    response = client.get(url("submissions:organisation_profile"))

    assert find_one(response, "input", name="contact_email").attrs["value"] == (
        "wang.fang@example.cn"
    )


def test_an_incomplete_profile_is_refused_with_the_input_kept(client, edition):
    client.force_login(UserFactory())

    response = client.post(
        url("submissions:organisation_profile"), {"name_zh": "清华大学", "kind": "university"}
    )

    assert response.status_code == 200
    assert find_one(response, "input", name="name_zh").attrs["value"] == "清华大学"
    assert {"name_en", "country", "contact_name"} <= set(response.context["form"].errors)


@pytest.mark.parametrize(
    ("phone", "accepted"),
    [
        ("abc", False),
        ("12", False),
        ("+86 (10) 6278-1234 转 56", True),
        ("（010）６２７８１２３４", True),
        ("010-62781234 ext. 12", True),
    ],
)
def test_the_contact_phone_must_be_a_telephone_number(client, edition, phone, accepted):
    person = UserFactory()
    client.force_login(person)
    profile = {**PROFILE, "contact_phone": phone}

    response = client.post(url("submissions:organisation_profile", "zh-hans"), profile)

    person.refresh_from_db()
    if accepted:
        assert person.organisation.contact_phone == phone
    else:
        assert person.organisation is None
        assert "请输入以数字组成的电话号码" in response.content.decode()
        assert find_one(response, "input", name="contact_name").attrs["value"] == "李华"


# --- other organisations, experts, organisers: 404 -----------------------------------------


@pytest.mark.parametrize("name", NOMINATION_PAGES)
@pytest.mark.parametrize("persona", ["stranger", "expert", "organiser"])
def test_nobody_but_the_organisation_reaches_its_nomination_pages(
    client, request, settings, nomination, name, persona
):
    settings.WNEVC_REQUIRE_MFA = False  # experts and organisers would first be sent to TOTP
    user = request.getfixturevalue(persona)
    if persona != "stranger":
        # Give them an organisation, so the 404 is about the nomination, not the profile.
        user.organisation = OrganisationFactory()
        user.save()
    client.force_login(user)

    got = client.get(url(f"submissions:{name}", code=nomination.code))
    posted = client.post(url(f"submissions:{name}", code=nomination.code), form_data(nomination))

    assert (got.status_code, posted.status_code) == (404, 404)
    nomination.refresh_from_db()
    assert (nomination.state, nomination.version) == ("draft", 1)


def test_a_stranger_cannot_autosave_into_a_nomination(client, nomination, stranger):
    client.force_login(stranger)

    response = client.post(
        url("submissions:nomination_autosave", code=nomination.code),
        form_data(nomination, title_en="Hijacked"),
    )

    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.title_en != "Hijacked"


def test_a_stranger_cannot_submit_a_complete_nomination(client, complete_nomination, stranger):
    client.force_login(stranger)

    response = client.post(url("submissions:nomination_submit", code=complete_nomination.code))

    assert response.status_code == 404
    complete_nomination.refresh_from_db()
    assert complete_nomination.state == "draft"


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_organisations_nominations_only(client, nomination, nominator, stranger):
    NominationFactory(
        edition=nomination.edition, organisation=stranger.organisation, title_en="Not ours"
    )
    client.force_login(nominator)

    response = client.get(url("submissions:nomination_list"))

    table = find_one(response, "table", data_testid="nomination-table")
    assert nomination.title_en in table.text
    assert "Not ours" not in table.text
    assert [badge.text for badge in find_all(response, data_testid="state-badge")] == ["Draft"]


def test_the_list_costs_the_same_queries_at_1_3_and_50_rows(
    client, django_assert_num_queries, edition, organisation, nominator
):
    client.force_login(nominator)
    NominationFactory(edition=edition, organisation=organisation)
    client.get(url("submissions:nomination_list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as one_row:
        client.get(url("submissions:nomination_list"))
    counts = {1: len(one_row.captured_queries)}

    for rows in (3, 50):
        NominationFactory.create_batch(
            rows - Nomination.objects.count(), edition=edition, organisation=organisation
        )
        with django_assert_num_queries(counts[1]):
            response = client.get(url("submissions:nomination_list"))
        counts[rows] = len(find_all(response, "tr")) - 1  # rows shown, header excluded

    # session (without a cache), user, roles, edition, nominations, window, organisation,
    # and the navigation's notice/results state
    assert counts[1] <= 8
    assert (counts[3], counts[50]) == (3, 50)


# --- creating and editing -------------------------------------------------------------------


def test_a_new_nomination_is_saved_as_a_draft_with_its_parts(
    client, nominator, edition, cutting_edge, direction
):
    client.force_login(nominator)
    template = NominationFactory.build(edition=edition, category=cutting_edge, direction=direction)
    data = form_data(
        template,
        **{
            "people-TOTAL_FORMS": "2",
            "people-0-name": "张伟",
            "people-0-organisation_name": "研究院",
            "people-0-role": "项目负责人",
            "people-1-name": "",
            "declarations": ["voluntary", "information_true"],
        },
    )

    response = client.post(url("submissions:nomination_create"), data)

    nomination = Nomination.objects.get()
    assert response["Location"] == url("submissions:nomination_edit", code=nomination.code)
    assert (nomination.title_zh, nomination.title_en) == (template.title_zh, template.title_en)
    assert nomination.code == f"{edition.year}-CE-001"
    assert list(nomination.key_people.values_list("name", "role")) == [("张伟", "项目负责人")]
    assert sorted(d.kind for d in nomination.declarations.all()) == [
        "information_true",
        "voluntary",
    ]


def test_the_form_shows_the_categories_criteria_in_the_pages_language(
    client, nominator, edition, cutting_edge
):
    client.force_login(nominator)

    chinese = client.get(url("submissions:nomination_create", "zh-hans"))
    english = client.get(url("submissions:nomination_create", "en"))

    assert cutting_edge.criteria_zh in chinese.content.decode()
    assert cutting_edge.criteria_en in english.content.decode()
    assert len(find_all(english, "input", name="category")) == 2


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Ensure this value has at most 300 characters (it has 301)."),
        ("zh-hans", "请不要超过 300 个字符（现有 301 个）。"),
    ],
)
def test_a_summary_over_300_characters_is_refused_and_the_input_kept(
    client, nomination, nominator, language, message
):
    client.force_login(nominator)
    too_long = "电" * 301

    response = client.post(
        url("submissions:nomination_edit", language, code=nomination.code),
        form_data(nomination, summary_zh=too_long, title_en="Kept title"),
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert find_one(response, "textarea", name="summary_zh").text == too_long
    assert find_one(response, "input", name="title_en").attrs["value"] == "Kept title"
    nomination.refresh_from_db()
    assert nomination.summary_zh != too_long


def test_line_breaks_count_as_one_character_in_a_summary(client, nomination, nominator):
    client.force_login(nominator)
    summary = "a" * 149 + "\r\n" + "b" * 150  # 300 characters once CR+LF counts as one

    client.post(
        url("submissions:nomination_edit", code=nomination.code),
        form_data(nomination, summary_en=summary),
    )

    nomination.refresh_from_db()
    assert nomination.summary_en == "a" * 149 + "\n" + "b" * 150


def test_a_maturity_that_contradicts_the_category_warns_but_saves(client, nomination, nominator):
    client.force_login(nominator)

    client.post(
        url("submissions:nomination_edit", code=nomination.code),
        form_data(nomination, trl="8", application_status="mass_production"),
    )
    response = client.get(url("submissions:nomination_edit", code=nomination.code))

    nomination.refresh_from_db()
    assert (nomination.trl, nomination.application_status) == (8, "mass_production")
    warning = find_one(response, data_testid="maturity-warning")
    assert "hidden" not in warning.attrs
    assert "TRL of 4 or less" in warning.text


def test_a_stale_edit_is_refused_with_the_users_input_kept(client, nomination, nominator):
    client.force_login(nominator)
    opened = form_data(nomination)
    client.post(
        url("submissions:nomination_edit", code=nomination.code),
        {**opened, "title_en": "Saved in the other tab"},
    )

    response = client.post(
        url("submissions:nomination_edit", code=nomination.code),
        {**opened, "title_en": "Typed in this tab"},
    )

    assert response.status_code == 200
    assert "saved elsewhere" in find_one(response, data_testid="form-error").text
    assert find_one(response, "input", name="title_en").attrs["value"] == "Typed in this tab"
    nomination.refresh_from_db()
    assert nomination.title_en == "Saved in the other tab"


def test_autosave_saves_the_draft_and_returns_the_new_version(client, nomination, nominator):
    client.force_login(nominator)

    response = client.post(
        url("submissions:nomination_autosave", code=nomination.code),
        form_data(nomination, title_en="Autosaved"),
        HTTP_HX_REQUEST="true",
    )

    nomination.refresh_from_db()
    assert nomination.title_en == "Autosaved"
    version_input = find_one(response, "input", name="version")
    assert (version_input.attrs["value"], version_input.attrs["hx-swap-oob"]) == (
        str(nomination.version),
        "true",
    )


def test_autosave_never_clobbers_a_newer_version(client, nomination, nominator):
    client.force_login(nominator)
    opened = form_data(nomination)
    client.post(
        url("submissions:nomination_edit", code=nomination.code),
        {**opened, "title_en": "Saved by hand elsewhere"},
    )

    response = client.post(
        url("submissions:nomination_autosave", code=nomination.code),
        {**opened, "title_en": "Old tab autosave"},
    )

    nomination.refresh_from_db()
    assert nomination.title_en == "Saved by hand elsewhere"
    assert find_one(response, data_stale="1").text.startswith("This nomination was saved")
    assert find_all(response, "input", name="version") == []


def test_editing_after_the_window_closed_is_refused(client, nomination, nominator):
    closes = StageWindow.objects.get(edition=nomination.edition, stage=Stage.COLLECTION).closes_at
    with time_machine.travel(closes + timedelta(seconds=1), tick=False):
        # Signed in at that moment: a session from a month earlier would have expired.
        client.force_login(nominator)
        page = client.get(url("submissions:nomination_edit", code=nomination.code))
        posted = client.post(
            url("submissions:nomination_edit", code=nomination.code),
            form_data(nomination, title_en="Too late"),
        )
        create = client.get(url("submissions:nomination_create"))

    assert page["Location"] == url("submissions:nomination_detail", code=nomination.code)
    assert posted["Location"] == url("submissions:nomination_detail", code=nomination.code)
    assert create["Location"] == url("submissions:nomination_list")
    nomination.refresh_from_db()
    assert nomination.title_en != "Too late"


# --- submitting, the detail page, withdrawing ----------------------------------------------


def test_the_submit_page_lists_what_is_missing_per_language(client, nomination, nominator):
    Nomination.objects.filter(pk=nomination.pk).update(title_en="", summary_zh="")
    client.force_login(nominator)

    response = client.get(url("submissions:nomination_submit", code=nomination.code))

    items = [li.text for li in find_all(response, "li", data_testid="missing-item")]
    assert items[:2] == ["Title in English", "Summary in Chinese"]
    assert len(items) == 7  # and two materials, three declarations
    links = [a.attrs["href"] for a in find_all(response, "a") if "#id_" in a.attrs.get("href", "")]
    edit = url("submissions:nomination_edit", code=nomination.code)
    assert links == [f"{edit}#id_title_en", f"{edit}#id_summary_zh"]
    assert "disabled" in find_one(response, "button", data_testid="submit-nomination").attrs


def test_a_double_submit_through_the_page_makes_one_submission(
    client, django_capture_on_commit_callbacks, complete_nomination, nominator
):
    client.force_login(nominator)
    mail.outbox.clear()
    submit_url = url("submissions:nomination_submit", code=complete_nomination.code)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(submit_url)
        second = client.post(submit_url)

    detail = url("submissions:nomination_detail", code=complete_nomination.code)
    assert (first["Location"], second["Location"]) == (detail, detail)
    assert StateChange.objects.filter(to_state="submitted").count() == 1
    assert len(mail.outbox) == 1


def test_the_detail_page_shows_the_timeline(client, complete_nomination, nominator, organiser):
    from submissions.services import submit_nomination, transition

    StateChangeFactory(nomination=complete_nomination, to_state="draft")
    submit_nomination(nomination=complete_nomination, actor=nominator)
    transition(
        nomination=complete_nomination,
        to_state="returned",
        actor=organiser,
        reason="Stamp missing",
        correction_deadline=timezone.now() + timedelta(days=3),
    )
    client.force_login(nominator)

    response = client.get(url("submissions:nomination_detail", code=complete_nomination.code))

    timeline = find_one(response, "ol", data_testid="timeline")
    states = [li.attrs["data-state"] for li in find_all(response, data_testid="timeline-item")]
    assert states == ["draft", "submitted", "returned"]
    assert "Stamp missing" in timeline.text
    assert find_all(response, id="attachments")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_detail_page_lists_the_declarations_in_the_forms_order(
    client, complete_nomination, nominator, language
):
    client.force_login(nominator)

    response = client.get(
        url("submissions:nomination_detail", language, code=complete_nomination.code)
    )
    with translation.override(language):
        in_form_order = [str(label) for label in Declaration.Kind.labels]
    page = response.content.decode()

    positions = [page.index(label) for label in in_form_order]
    assert positions == sorted(positions)


def test_withdrawing_asks_for_confirmation_then_withdraws(client, nomination, nominator):
    client.force_login(nominator)
    withdraw_url = url("submissions:nomination_withdraw", code=nomination.code)

    confirmation = client.get(withdraw_url)
    nomination.refresh_from_db()
    state_after_get = nomination.state
    client.post(withdraw_url, {"reason": "Merged with another nomination"})

    nomination.refresh_from_db()
    assert find_one(confirmation, "button", data_testid="confirm-withdraw")
    assert (state_after_get, nomination.state) == ("draft", "withdrawn")
    assert nomination.state_changes.last().reason == "Merged with another nomination"


def test_after_the_window_the_list_says_returned_nominations_can_still_be_corrected(
    client, edition, nominator
):
    closes = StageWindow.objects.get(edition=edition, stage=Stage.COLLECTION).closes_at
    client.force_login(nominator)

    with time_machine.travel(closes + timedelta(days=1), tick=False):
        page = client.get(url("submissions:nomination_list", "zh-hans")).content.decode()

    assert "其他时间不能新建或修改申报；退回补正的申报可在其补正截止时间前修改。" in page


def test_a_returned_nomination_is_corrected_and_resubmitted_after_the_window(
    client, nomination, nominator
):
    complete(nomination, nominator)
    closes = StageWindow.objects.get(edition=nomination.edition, stage=Stage.COLLECTION).closes_at
    deadline = closes + timedelta(days=5)
    Nomination.objects.filter(pk=nomination.pk).update(
        state="returned", correction_deadline=deadline
    )
    nomination.refresh_from_db()

    with time_machine.travel(closes + timedelta(days=1), tick=False):
        client.force_login(nominator)
        client.post(
            url("submissions:nomination_edit", code=nomination.code),
            form_data(nomination, title_en="Corrected title"),
        )
        check = client.get(url("submissions:nomination_submit", "zh-hans", code=nomination.code))
        client.post(url("submissions:nomination_submit", code=nomination.code))

    nomination.refresh_from_db()
    assert (nomination.title_en, nomination.state) == ("Corrected title", "submitted")
    # The check page speaks of the correction, not of a collection window long closed.
    after = find_one(check, data_testid="after-submit").text
    assert after == "提交补正后，秘书处将再次审查该申报，并通过电子邮件告知您结果。"
    # The deadline's heading punctuates as Chinese does (a full-width colon, no space).
    heading = find_one(check, "h2", id="correction-title").text
    beijing = deadline.astimezone(ZoneInfo("Asia/Shanghai"))
    assert heading.startswith(f"补正截止时间：{beijing.year}年{beijing.month}月{beijing.day}日")


@pytest.mark.parametrize(
    ("language", "returned"),
    [("en", "Returned for correction: please correct"), ("zh-hans", "已退回修改：请于")],
)
def test_the_edit_page_of_a_returned_nomination_says_why_and_by_when(
    client, nomination, nominator, language, returned
):
    complete(nomination, nominator)
    Nomination.objects.filter(pk=nomination.pk).update(
        state="returned",
        return_reasons="请补充盖章推荐表\nStamp the recommendation form",
        correction_deadline=timezone.now() + timedelta(days=5),
    )
    client.force_login(nominator)

    page = client.get(url("submissions:nomination_edit", language, code=nomination.code))

    alert = find_one(page, "div", data_testid="returned-alert").text
    assert returned in alert
    assert "请补充盖章推荐表" in alert and "Stamp the recommendation form" in alert
