"""Every form control of the nomination form and its upload section is named, in the page's
language, for whoever cannot see the layout (a screen reader reads a control's accessible name,
not the heading above two side-by-side boxes).

The names are read from Chromium's accessibility tree (Playwright's aria snapshot and
`get_by_role(..., name=...)`), not from the HTML.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.test_uploads import draft  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTROL_ROLES = ("textbox", "combobox", "checkbox", "radio", "spinbutton", "listbox", "button")
CONTROL = re.compile(rf'^\s*- ({"|".join(CONTROL_ROLES)})(?: "((?:[^"\\]|\\.)*)")?')
CJK = re.compile(r"[\u4e00-\u9fff]")

NAMES = {
    "zh-hans": {
        "text": [
            "中文标题",
            "英文标题",
            "中文摘要",
            "英文摘要",
        ],
        "choose": "选择文件",
        "upload": "上传",
        "remove": ["删除此单位", "删除此人员", "删除此专利"],
        "materials": ["盖章推荐表", "技术报告", "证明材料", "视频"],
    },
    "en": {
        "text": [
            "Title in Chinese",
            "Title in English",
            "Summary in Chinese",
            "Summary in English",
        ],
        "choose": "Choose a file",
        "upload": "Upload",
        "remove": ["Remove this organisation", "Remove this person", "Remove this patent"],
        "materials": [
            "Stamped recommendation form",
            "Technical report",
            "Supporting evidence",
            "Video",
        ],
    },
}


def _sign_in(page, user, live_server):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _controls(page) -> list[tuple[str, str]]:
    """(role, accessible name) of every form control in the page's main part."""
    snapshot = page.locator("main").aria_snapshot()
    return [
        (match.group(1), match.group(2) or "")
        for line in snapshot.splitlines()
        if (match := CONTROL.match(line))
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("where", ["new", "edit", "detail"])
def test_every_control_of_the_nomination_form_and_uploads_is_named_in_the_page_language(
    page,
    live_server,
    draft,  # noqa: F811 - the fixture
    language,
    where,
):
    user, nomination = draft
    _sign_in(page, user, live_server)
    path = {"new": "new/", "edit": f"{nomination.code}/edit/", "detail": f"{nomination.code}/"}
    page.goto(f"/{language}/my/nominations/{path[where]}")

    controls = _controls(page)
    assert controls
    assert [role for role, name in controls if not name.strip()] == []
    # No two controls read the same ("Delete", "Delete", "Delete"; "Upload" four times).
    names = [name for _, name in controls]
    assert sorted({name for name in names if names.count(name) > 1}) == []
    if language == "zh-hans":
        assert [name for _, name in controls if not CJK.search(name)] == []
    else:
        assert [name for _, name in controls if CJK.search(name)] == []
    expected = NAMES[language]
    if where != "detail":
        for name in expected["text"]:
            assert page.get_by_role("textbox", name=name, exact=True).count() == 1, name
        for name in expected["remove"]:
            assert page.get_by_role("checkbox", name=name, exact=True).count() == 1, name
    for material in expected["materials"] if where != "new" else []:
        upload = page.get_by_label(f"{expected['choose']} · {material}", exact=True)
        assert upload.count() == 1, material
        assert upload.get_attribute("type") == "file"
        button = page.get_by_role("button", name=f"{expected['upload']} · {material}", exact=True)
        assert button.count() == 1, material
