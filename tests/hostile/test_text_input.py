"""Overlong text, control characters and invalid UTF-8: a clear message in the user's language,
never a server error, and everything else typed comes back in the form."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from publication.forms import started_token
from submissions.models import Nomination
from tests.factories import UserFactory
from tests.submissions.conftest import url
from tests.submissions.test_views_nominator import form_data

pytestmark = pytest.mark.django_db

KEPT = "保留的中文摘要 kept summary"
CONTROL = {
    "escape": (
        "x\x1b[31my",
        "Remove the invisible control characters",
        "请删除文本中不可见的控制字符",
    ),
    "rtl-override": (
        "报告\u202efdp.exe",
        "Remove the invisible control characters",
        "请删除文本中不可见的控制字符",
    ),
    "nul": ("x\x00y", "Null characters are not allowed.", "不允许包含空字符（NUL）。"),
    "overlong": ("长" * 201, "at most 200 characters", "不要超过 200 个字符"),
}


@pytest.fixture
def editing(client, nominator, nomination):
    client.force_login(nominator)
    return nomination


@pytest.mark.parametrize("case", CONTROL, ids=list(CONTROL))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_bad_title_is_refused_with_a_message_and_the_rest_is_kept(
    client, editing, case, language
):
    value, english, chinese = CONTROL[case]
    before = editing.title_en

    response = client.post(
        url("submissions:nomination_edit", language, code=editing.code),
        form_data(editing, title_en=value, summary_zh=KEPT),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert (english if language == "en" else chinese) in html
    assert KEPT in html
    assert Nomination.objects.get().title_en == before


@pytest.mark.parametrize("case", CONTROL, ids=list(CONTROL))
def test_the_autosave_refuses_them_too_without_a_server_error(client, editing, case):
    value, _english, _chinese = CONTROL[case]

    response = client.post(
        url("submissions:nomination_autosave", code=editing.code),
        form_data(editing, title_en=value),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "Not saved automatically" in response.content.decode()
    assert Nomination.objects.get().title_en != value


UNREADABLE = (
    "Part of this text could not be read",
    "此段文字有部分无法识别",
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_invalid_utf8_in_a_urlencoded_body_gets_a_message_and_the_rest_is_kept(
    client, editing, language
):
    fields = form_data(editing, summary_zh=KEPT)
    del fields["title_en"]
    body = urlencode(fields, doseq=True).encode() + b"&title_en=%FF%FEbad"

    response = client.post(
        url("submissions:nomination_edit", language, code=editing.code),
        body,
        content_type="application/x-www-form-urlencoded",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert UNREADABLE[language == "zh-hans"] in html
    assert KEPT in html
    assert Nomination.objects.get().title_en == editing.title_en


def test_raw_bytes_in_a_multipart_field_get_a_message_and_the_rest_is_kept(client, editing):
    boundary = "BoUnDaRy"
    fields = form_data(editing, summary_zh=KEPT)
    del fields["title_en"]
    chunks = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            chunks.append(f"{header}{item}\r\n".encode())
    chunks.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="title_en"\r\n\r\n'.encode()
        + b"\xff\xfe\xc3(raw\r\n"
    )
    chunks.append(f"--{boundary}--\r\n".encode())

    response = client.post(
        url("submissions:nomination_edit", code=editing.code),
        b"".join(chunks),
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert UNREADABLE[0] in html
    assert KEPT in html
    assert Nomination.objects.get().title_en == editing.title_en


def test_the_public_objection_form_refuses_overlong_and_control_text_and_keeps_the_rest(client, db):
    from publication import services as publication
    from tests.factories import EditionFactory
    from tests.voting.publication_fixtures import make_certified

    edition = EditionFactory(year=2031, is_current=True, committee_size=3)
    organiser = UserFactory(roles=["organiser"])
    make_certified(edition, organiser)
    publication.open_notice(edition=edition, actor=organiser)

    response = client.post(
        url("publication:objection", "zh-hans"),
        {
            "nomination": "2031-CE-002",
            "name": "张三\u202e",
            "organisation": "研究院",
            "email": "zhang@example.org",
            "phone": "",
            "reason": "争" * 5001,
            "nectar": "",
            "started": started_token(timezone.now() - timedelta(minutes=1)),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "请删除文本中不可见的控制字符" in html
    assert "请不要超过 5000 个字符" in html
    assert "研究院" in html and "zhang@example.org" in html


def test_preferences_refuse_a_control_character_in_the_name(client):
    person = UserFactory(preferred_language="en", full_name="Li Lei")
    client.force_login(person)

    response = client.post(
        url("accounts:preferences"), {"full_name": "Li\x1b[2J Lei", "preferred_language": "en"}
    )

    person.refresh_from_db()
    assert response.status_code == 200
    assert "Remove the invisible control characters" in response.content.decode()
    assert person.full_name == "Li Lei"


@pytest.mark.parametrize("case", CONTROL, ids=list(CONTROL))
def test_a_review_comment_with_control_characters_is_refused_not_a_server_error(client, case):
    import time_machine

    from review.models import Review
    from tests.review.scoring_helpers import (
        DURING,
        assign,
        criteria,
        make_entry,
        make_expert,
        preliminary_edition,
    )

    value = CONTROL[case][0] if case != "overlong" else "评" * 5001
    with time_machine.travel(DURING, tick=False):
        edition = preliminary_edition()
        expert = make_expert(edition, language="en")
        entry = make_entry(edition)
        assign(expert, entry)
        client.force_login(expert.user)
        data = {"version": "1", "comment": value, "confidence": "2", "save": "1"}
        for criterion in criteria(edition):
            data[f"score_{criterion.pk}"] = "7"

        saved = client.post(url("scoring:entry", code=entry.code), data)
        autosaved = client.post(url("scoring:autosave", code=entry.code), data)

    assert saved.status_code == 200
    assert autosaved.status_code == 200
    expected = CONTROL[case][1] if case != "overlong" else "at most 5000 characters"
    assert expected in saved.content.decode()
    # Compared in Python: PostgreSQL refuses a query that contains NUL.
    assert value not in [review.comment for review in Review.objects.all()]
