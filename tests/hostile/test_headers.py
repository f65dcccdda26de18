"""Security headers on every kind of page, and templates that need no inline script or style."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def _template_files():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def test_no_template_has_inline_script_style_or_event_handlers():
    # The CSP forbids them, so they would silently not work in the browser.
    offenders = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, EVENT_HANDLER):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert offenders == []


def test_the_template_scan_sees_the_templates():
    assert ROOT / "templates" / "base.html" in _template_files()


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/en/", 200),  # a public page
        ("/zh-hans/accounts/login/", 200),  # allauth
        ("/en/admin/login/", 302),  # the admin hands sign-in to allauth
        ("/en/no-such-page/", 404),  # an error page
        ("/results/1999.json", 404),  # open data outside the language prefix
    ],
)
def test_every_kind_of_page_carries_the_csp_and_frame_headers(path, status):
    response = Client().get(path)

    assert response.status_code == status
    assert _csp(response)["script-src"] == "'self'"
    assert _csp(response)["style-src"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_admin_pages_carry_the_csp():
    client = Client()
    client.force_login(UserFactory(roles=["organiser"], is_superuser=True))

    response = client.get("/en/admin/")

    assert response.status_code == 200
    assert _csp(response)["script-src"] == "'self'"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Page not found"), ("zh-hans", "页面不存在")]
)
def test_the_not_found_page_is_in_the_portal_layout_and_language(language, heading):
    response = Client().get(f"/{language}/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert heading in html
    assert f'lang="{language}"' in html
    assert "Content-Security-Policy" in response.headers
