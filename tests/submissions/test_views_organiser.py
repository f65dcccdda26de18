"""The secretariat's pages: permissions, the queue, decisions through the page, exports, and the
queue's query count."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from submissions.models import FormalCheck, Nomination
from submissions.services import transition
from submissions.states import NominationState
from tests.factories import NominationFactory, OrganisationFactory, UserFactory
from tests.htmlparse import find_all, find_one

from .conftest import complete, url

pytestmark = pytest.mark.django_db
S = NominationState


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Organisers and experts must set up TOTP first (tested in tests/accounts); here the pages.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def awaiting(complete_nomination, nominator):
    return transition(nomination=complete_nomination, to_state=S.SUBMITTED, actor=nominator)


def organiser_urls(code: str) -> list[tuple[str, str]]:
    """Every organiser URL, with the method it answers."""
    return [
        ("get", url("submissions:formalcheck_queue")),
        ("post", url("submissions:formalcheck_bulk")),
        ("get", url("submissions:formalcheck_export", fmt="csv")),
        ("get", url("submissions:formalcheck_export", fmt="xlsx")),
        ("get", url("submissions:formalcheck_detail", code=code)),
        ("post", url("submissions:formalcheck_detail", code=code)),
        ("get", url("submissions:secretariat_nomination_create")),
        ("get", url("submissions:invitation_list")),
        ("post", url("submissions:secretariat_submit", code=code)),
        ("post", url("submissions:invitation_list")),
    ]


@pytest.mark.parametrize("persona", ["nominator", "expert", "stranger"])
def test_every_organiser_url_is_404_for_other_accounts(client, awaiting, persona, request):
    client.force_login(request.getfixturevalue(persona))

    statuses = {
        (method, path): getattr(client, method)(path).status_code
        for method, path in organiser_urls(awaiting.code)
    }

    assert set(statuses.values()) == {404}
    awaiting.refresh_from_db()
    assert awaiting.state == S.SUBMITTED


def test_every_organiser_url_sends_the_anonymous_to_sign_in(client, awaiting):
    for method, path in organiser_urls(awaiting.code):
        response = getattr(client, method)(path)

        assert response.status_code == 302, path
        assert "/accounts/login/" in response["Location"], path


def test_queue_lists_submitted_nominations_with_completeness(client, organiser, awaiting):
    client.force_login(organiser)

    response = client.get(url("submissions:formalcheck_queue", "zh-hans"))

    rows = find_all(response, "tr", data_testid="queue-row")
    assert len(rows) == 1
    assert awaiting.code in rows[0].text
    assert awaiting.title_zh in rows[0].text
    assert [box.attrs["value"] for box in find_all(response, "input", name="ids")] == [
        str(awaiting.pk)
    ]
    assert "0 items missing" not in rows[0].text


def _state_options(response) -> dict[str, str]:
    return {o.attrs["value"]: o.text for o in find_all(response, "option") if "value" in o.attrs}


def test_the_state_filter_says_how_many_are_in_each_state(client, organiser, awaiting):
    # Once everything is checked, the default view (awaiting the check) is empty: the filter
    # says where the nominations went, and there is nothing to decide together.
    transition(nomination=awaiting, to_state=S.ELIGIBLE, actor=organiser)
    client.force_login(organiser)

    response = client.get(url("submissions:formalcheck_queue", "zh-hans"))

    options = _state_options(response)
    assert (options["submitted"], options["eligible"]) == ("已提交（0）", "形式审查通过（1）")
    assert find_all(response, data_testid="bulk-decision") == []


def test_the_bulk_decision_is_offered_while_nominations_await_the_check(
    client, organiser, awaiting
):
    client.force_login(organiser)

    response = client.get(url("submissions:formalcheck_queue"))

    assert _state_options(response)["submitted"] == "Submitted (1)"
    assert len(find_all(response, data_testid="bulk-decision")) == 1


def test_queue_filter_by_category_hides_the_others(client, organiser, awaiting):
    client.force_login(organiser)

    response = client.get(url("submissions:formalcheck_queue"), {"category": "innovative"})

    assert find_all(response, "tr", data_testid="queue-row") == []


def test_checklist_page_shows_both_languages_and_prefilled_items(client, organiser, awaiting):
    client.force_login(organiser)

    response = client.get(url("submissions:formalcheck_detail", code=awaiting.code))

    texts = find_one(response, "table", data_testid="paired-texts").text
    assert awaiting.summary_zh in texts
    assert awaiting.summary_en in texts
    boxes = find_all(response, "input", type="checkbox")
    assert [box.attrs["name"] for box in boxes] == [
        "check_materials_complete",
        "check_stamped_form",
        "check_category_fits",
        "check_declarations_made",
    ]
    assert all("checked" in box.attrs for box in boxes)


def test_returning_through_the_page_records_and_mails(
    client, organiser, awaiting, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    deadline = timezone.localtime() + timedelta(days=3)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("submissions:formalcheck_detail", code=awaiting.code),
            {
                "check_materials_complete": "on",
                "decision": "returned",
                "reason": "请补充盖章推荐表",
                "correction_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            },
        )

    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.state == S.RETURNED
    check = FormalCheck.objects.get(nomination=awaiting)
    assert check.checklist == {
        "materials_complete": True,
        "stamped_form": False,
        "category_fits": False,
        "declarations_made": False,
    }
    assert check.reason == "请补充盖章推荐表"
    assert [m.to for m in mail.outbox] == [[awaiting.created_by.email]]


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Confirmed at the formal check"), ("zh-hans", "形式审查时确认")],
)
def test_a_decided_nomination_shows_the_checklist_as_confirmed_not_as_the_data_suggests(
    client, organiser, awaiting, language, heading
):
    """The data says every item holds (the complete nomination); the organiser confirmed only
    the materials. The page shows what was confirmed."""
    client.force_login(organiser)
    client.post(
        url("submissions:formalcheck_detail", code=awaiting.code),
        {
            "check_materials_complete": "on",
            "decision": "returned",
            "reason": "请补充盖章推荐表",
            "correction_deadline": (timezone.localtime() + timedelta(days=3)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        },
    )

    response = client.get(url("submissions:formalcheck_detail", language, code=awaiting.code))

    checklist = find_one(response, "ul", data_testid="recorded-checklist").text
    assert heading in response.content.decode()
    assert [mark for mark in checklist if mark in "✓✗"] == ["✓", "✗", "✗", "✗"]


def test_a_return_without_deadline_is_refused_and_keeps_the_input(client, organiser, awaiting):
    client.force_login(organiser)

    response = client.post(
        url("submissions:formalcheck_detail", code=awaiting.code, language="en"),
        {"decision": "returned", "reason": "Form not stamped"},
    )

    assert response.status_code == 200
    assert "Set a correction deadline." in response.content.decode()
    assert find_one(response, "textarea", name="reason").text == "Form not stamped"
    awaiting.refresh_from_db()
    assert awaiting.state == S.SUBMITTED


def test_bulk_eligible_through_the_queue(client, organiser, awaiting, edition, cutting_edge):
    other_owner = UserFactory(organisation=OrganisationFactory())
    other = NominationFactory(
        edition=edition,
        category=cutting_edge,
        organisation=other_owner.organisation,
        created_by=other_owner,
        code=f"{edition.year}-CE-002",
    )
    other = transition(
        nomination=complete(other, other_owner), to_state=S.SUBMITTED, actor=other_owner
    )
    client.force_login(organiser)

    response = client.post(
        url("submissions:formalcheck_bulk"),
        {"ids": [awaiting.pk, other.pk], "decision": "eligible", "category": "cutting_edge"},
    )

    assert response.status_code == 302
    assert "category=cutting_edge" in response["Location"]
    assert set(Nomination.objects.values_list("state", flat=True)) == {"eligible"}
    assert FormalCheck.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Select at least one nomination."), ("zh-hans", "请至少选择一项申报。")],
)
def test_bulk_without_selection_changes_nothing_and_says_so(
    client, organiser, awaiting, language, message
):
    client.force_login(organiser)

    response = client.post(url("submissions:formalcheck_bulk", language), {"decision": "eligible"})

    assert response.status_code == 400
    assert message in find_one(response, "div", data_testid="bulk-errors").text
    awaiting.refresh_from_db()
    assert awaiting.state == S.SUBMITTED


def test_a_refused_bulk_return_keeps_the_ticks_the_decision_and_the_reason(
    client, organiser, awaiting
):
    """A return needs a deadline: the queue comes back with the error beside the deadline and
    nothing chosen or typed lost."""
    client.force_login(organiser)

    response = client.post(
        url("submissions:formalcheck_bulk"),
        {"ids": [awaiting.pk], "decision": "returned", "reason": "请补充盖章推荐表"},
    )

    assert response.status_code == 400
    assert "Set a correction deadline." in response.content.decode()
    assert "checked" in find_one(response, "input", name="ids", value=str(awaiting.pk)).attrs
    # The state filter offers "returned" too; the bulk decision's option is the second.
    assert "selected" in find_all(response, "option", value="returned")[-1].attrs
    assert find_one(response, "textarea", name="reason").text.strip() == "请补充盖章推荐表"
    awaiting.refresh_from_db()
    assert awaiting.state == S.SUBMITTED


def test_exports_follow_the_filters(client, organiser, awaiting):
    client.force_login(organiser)

    csv_response = client.get(
        url("submissions:formalcheck_export", "zh-hans", fmt="csv"), {"state": "submitted"}
    )
    empty_response = client.get(
        url("submissions:formalcheck_export", fmt="xlsx"), {"state": "eligible"}
    )

    assert csv_response["Content-Type"] == "text/csv"
    assert "attachment;" in csv_response["Content-Disposition"]
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [awaiting.code]
    assert rows[1][4] == awaiting.title_zh
    sheet = load_workbook(io.BytesIO(empty_response.content)).active
    assert sheet.max_row == 1


def make_awaiting(edition, category, direction, count: int) -> None:
    """`count` submitted, complete nominations of different organisations."""
    start = Nomination.objects.count()
    for number in range(count):
        owner = UserFactory(organisation=OrganisationFactory())
        nomination = NominationFactory(
            edition=edition,
            category=category,
            direction=direction,
            organisation=owner.organisation,
            created_by=owner,
            code=f"Q-{start + number:04d}",
        )
        complete(nomination, owner)
        Nomination.objects.filter(pk=nomination.pk).update(state=S.SUBMITTED)


def queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("submissions:formalcheck_queue"), {"state": "submitted"})
    assert response.status_code == 200
    return len(queries)


def test_queue_query_count_does_not_grow_with_rows(
    client, organiser, edition, cutting_edge, direction
):
    client.force_login(organiser)
    make_awaiting(edition, cutting_edge, direction, 1)
    one = queue_queries(client)
    make_awaiting(edition, cutting_edge, direction, 2)
    three = queue_queries(client)
    make_awaiting(edition, cutting_edge, direction, 47)
    fifty = queue_queries(client)

    assert one == three == fifty
