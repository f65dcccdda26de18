"""The expert's pages: dashboard, entry with the score form and autosave, files; who may
reach them (404 for everyone else), no peek at others' scores, the window's boundary."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.models import Review
from tests.factories import AttachmentFactory, OrganisationFactory, UserFactory
from tests.i18n_checks import assert_main_is_chinese, assert_main_is_english
from tests.review.scoring_helpers import (
    CLOSES,
    DURING,
    assign,
    conflict_despite_assignment,
    criteria,
    make_entry,
    make_expert,
    preliminary_edition,
    url,
    write_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Sign-in with TOTP is tested in accounts; here the persons are signed in already.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Attachment files written by factories land in a temporary folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def _body(response) -> bytes:
    """The content of a file response, read to the end (which closes the file)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def world():
    """An edition in review: an assigned expert, an unassigned one, a conflicted one (assigned
    by mistake), the nominator, an organiser, and the entry with a PDF."""
    edition = preliminary_edition()
    organisation = OrganisationFactory()
    nomination = make_entry(edition, organisation=organisation)
    assigned = make_expert(edition, name="Assigned")
    assign(assigned, nomination)
    conflicted = make_expert(edition, name="Conflicted")
    assign(conflicted, nomination)
    conflict_despite_assignment(conflicted, nomination)
    return {
        "edition": edition,
        "nomination": nomination,
        "assigned": assigned,
        "unassigned": make_expert(edition, name="Unassigned"),
        "conflicted": conflicted,
        "nominator": UserFactory(organisation=organisation),
        "organiser": UserFactory(roles=["organiser"]),
        "pdf": AttachmentFactory(nomination=nomination),
    }


def _user(world, persona):
    person = world[persona]
    return getattr(person, "user", person)


# --- Permission matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "entry_status", "file_status"),
    [
        ("assigned", 200, 200),
        ("unassigned", 404, 404),
        ("conflicted", 404, 404),
        ("nominator", 404, 404),
        ("organiser", 404, 200),
    ],
)
@time_machine.travel(DURING, tick=False)
def test_who_reaches_the_entry_and_its_files(client, world, persona, entry_status, file_status):
    client.force_login(_user(world, persona))
    code, pk = world["nomination"].code, world["pdf"].pk

    entry = client.get(url("scoring:entry", code=code))
    download = client.get(url("scoring:attachment_download", code=code, pk=pk))
    inline = client.get(url("scoring:attachment_inline", code=code, pk=pk))
    autosave = client.post(url("scoring:autosave", code=code), {"version": "1"})

    download_body, inline_body = _body(download), _body(inline)
    assert (entry.status_code, autosave.status_code) == (entry_status, entry_status)
    assert (download.status_code, inline.status_code) == (file_status, file_status)
    if entry_status == 200:
        assert world["nomination"].title_zh in entry.content.decode()
        assert world["nomination"].title_en in entry.content.decode()
    if file_status == 200:
        assert download_body.startswith(b"%PDF")
        assert inline_body == download_body
        assert download["Content-Disposition"].startswith("attachment")


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(url("scoring:entry", code=world["nomination"].code))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@time_machine.travel(DURING, tick=False)
def test_the_pdf_is_framed_by_this_site_only(client, world):
    client.force_login(world["assigned"].user)

    response = client.get(
        url("scoring:attachment_inline", code=world["nomination"].code, pk=world["pdf"].pk)
    )
    page = client.get(url("scoring:entry", code=world["nomination"].code))
    _body(response)

    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
    assert 'class="pdf-viewer"' in page.content.decode()


@time_machine.travel(DURING, tick=False)
def test_with_object_storage_the_framed_pdf_is_a_signed_inline_url(client, s3_bucket, world):
    client.force_login(world["assigned"].user)

    response = client.get(
        url("scoring:attachment_inline", code=world["nomination"].code, pk=world["pdf"].pk)
    )

    assert response.status_code == 302
    signed = parse_qs(urlsplit(response["Location"]).query)
    assert signed["response-content-disposition"][0].startswith("inline; filename=")
    assert signed["response-content-type"] == ["application/pdf"]
    assert urlsplit(response["Location"]).path == f"/{s3_bucket}/{world['pdf'].file.name}"


@time_machine.travel(DURING, tick=False)
def test_with_object_storage_a_conflicted_expert_sees_no_url(client, s3_bucket, world):
    client.force_login(world["conflicted"].user)

    response = client.get(
        url("scoring:attachment_inline", code=world["nomination"].code, pk=world["pdf"].pk)
    )

    assert response.status_code == 404
    assert "Location" not in response


# --- Dashboard ------------------------------------------------------------------------------


@time_machine.travel(DURING, tick=False)
def test_dashboard_lists_assigned_entries_with_progress_and_the_closing_date(client, world):
    expert = world["assigned"]
    second = make_entry(world["edition"])
    write_review(assign(expert, second), [5, 5], submitted=False)
    client.force_login(expert.user)

    page = client.get(url("scoring:dashboard", "zh-hans")).content.decode()

    assert page.count('data-testid="assignment-row"') == 2
    assert 'data-status="not_started"' in page
    assert 'data-status="draft"' in page
    assert "2030-03-29 08:00" in page  # closes at midnight UTC, shown in Beijing time


@time_machine.travel(DURING, tick=False)
def test_dashboard_hides_an_entry_assigned_to_a_conflicted_expert(client, world):
    client.force_login(world["conflicted"].user)

    page = client.get(url("scoring:dashboard")).content.decode()

    assert 'data-testid="assignment-row"' not in page
    assert world["nomination"].code not in page


def test_dashboard_is_for_committee_experts_only(client, world):
    client.force_login(world["nominator"])

    assert client.get(url("scoring:dashboard")).status_code == 404


@time_machine.travel(DURING, tick=False)
def test_dashboard_query_count_does_not_grow_with_rows(client):
    edition = preliminary_edition()
    expert = make_expert(edition)
    client.force_login(expert.user)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("scoring:dashboard"))
        assert response.status_code == 200
        return len(queries), response.content.decode().count('data-testid="assignment-row"')

    assign(expert, make_entry(edition))
    one = count_queries()
    for _ in range(2):
        write_review(assign(expert, make_entry(edition)), [6, 6, 6, 6])
    three = count_queries()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]


# --- The score form -------------------------------------------------------------------------


def _form_data(world, values, *, version=1, confidence="2", action="save"):
    data = {"version": str(version), "comment": "Strong results.", "confidence": confidence}
    for criterion, value in zip(criteria(world["edition"]), values, strict=False):
        data[f"score_{criterion.pk}"] = str(value)
    data[action] = "1"
    return data


@time_machine.travel(DURING, tick=False)
def test_save_a_draft_then_submit_through_the_form(client, world):
    client.force_login(world["assigned"].user)
    entry_url = url("scoring:entry", code=world["nomination"].code)

    client.post(entry_url, _form_data(world, [7, 8]))
    draft = Review.objects.get()
    client.post(entry_url, _form_data(world, [7, 8, 6, 9], version=2, action="submit"))
    submitted = Review.objects.get()

    assert (draft.state, draft.version) == ("draft", 2)
    assert (submitted.state, submitted.version) == ("submitted", 3)
    assert sorted(submitted.scores.values_list("score", flat=True)) == [6, 7, 8, 9]
    assert submitted.comment == "Strong results."


@time_machine.travel(DURING, tick=False)
def test_an_incomplete_submission_keeps_what_was_entered(client, world):
    client.force_login(world["assigned"].user)

    response = client.post(
        url("scoring:entry", "zh-hans", code=world["nomination"].code),
        _form_data(world, [7, 8], action="submit"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    # In Chinese, with the unscored criteria listed the Chinese way (、, not ", ").
    unscored = "、".join(c.name_zh for c in criteria(world["edition"])[2:])
    assert f"请为每一项评价指标打分后再提交：{unscored}。" in page
    assert "Strong results." in page
    assert 'value="7" checked' in page
    assert not Review.objects.filter(state="submitted").exists()


@time_machine.travel(DURING, tick=False)
def test_a_submission_missing_scores_and_confidence_names_both_at_once(client, world):
    client.force_login(world["assigned"].user)

    response = client.post(
        url("scoring:entry", "zh-hans", code=world["nomination"].code),
        _form_data(world, [7, 8, 6], confidence="", action="submit"),
    )

    last = criteria(world["edition"])[3].name_zh
    assert (
        f"请为每一项评价指标打分后再提交：{last}。请选择把握程度后再提交。"
        in response.content.decode()
    )


@time_machine.travel(DURING, tick=False)
def test_autosave_answers_the_new_version_and_refuses_a_stale_one(client, world):
    client.force_login(world["assigned"].user)
    autosave_url = url("scoring:autosave", code=world["nomination"].code)

    first = client.post(autosave_url, _form_data(world, [5])).content.decode()
    stale = client.post(autosave_url, _form_data(world, [9])).content.decode()

    assert 'name="version" value="2"' in first
    assert 'hx-swap-oob="true"' in first
    assert "data-stale" in stale
    assert Review.objects.get().scores.get().score == 5


def test_edits_are_refused_after_the_window_closes(client, world):
    entry_url = url("scoring:entry", code=world["nomination"].code)
    with time_machine.travel(CLOSES - timedelta(seconds=1), tick=False):
        client.force_login(world["assigned"].user)
        client.post(entry_url, _form_data(world, [7, 8, 6, 9], action="submit"))

    with time_machine.travel(CLOSES, tick=False):
        response = client.post(entry_url, _form_data(world, [1, 1, 1, 1], version=2))
        page = client.get(entry_url).content.decode()

    assert response.status_code == 200
    assert "The preliminary evaluation is closed" in response.content.decode()
    assert sorted(Review.objects.get().scores.values_list("score", flat=True)) == [6, 7, 8, 9]
    assert "<fieldset disabled>" in page
    assert "hx-post" not in page


# --- No peek --------------------------------------------------------------------------------


@time_machine.travel(DURING, tick=False)
def test_others_totals_show_only_after_ones_own_submission_and_without_names(client, world):
    other = make_expert(world["edition"], name="Zhang")
    write_review(assign(other, world["nomination"]), [3, 3, 3, 3])
    client.force_login(world["assigned"].user)
    entry_url = url("scoring:entry", code=world["nomination"].code)

    before = client.get(entry_url).content.decode()
    client.post(entry_url, _form_data(world, [7, 8, 6, 9], action="submit"))
    after = client.get(entry_url).content.decode()

    assert 'data-testid="others"' not in before
    assert "3.00" not in before
    assert 'data-testid="other-total">3.00<' in after
    assert "Zhang" not in after


@time_machine.travel(DURING, tick=False)
def test_dashboard_reads_fully_in_each_language(client, world):
    write_review(assign(world["assigned"], make_entry(world["edition"])), [5], submitted=False)
    client.force_login(world["assigned"].user)

    chinese = client.get(url("scoring:dashboard", "zh-hans"))
    english = client.get(url("scoring:dashboard", "en"))

    assert_main_is_chinese(chinese)
    assert_main_is_english(english)
