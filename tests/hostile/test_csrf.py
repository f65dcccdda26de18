"""A POST without a CSRF token is refused everywhere, with a page in the user's language."""

import re

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.hostile.urlwalk import all_routes

# Stand-in values: the CSRF check runs before any object is looked up.
SAMPLE = {"int": 1, "slug": "T00001", "str": "x", "path": "1"}
PARAMETER_SAMPLE = {"kind": "technical_report"}  # the upload view checks the kind first

# Views that skip the middleware's check; each must check the token itself (and does).
EXEMPT_BUT_PROTECTED_INSIDE = {
    # csrf_exempt to install the size-limiting upload handler first, then csrf_protect.
    "submissions:attachment_upload",
}


def _path(route):
    values = {}
    for converter, parameter in zip(_converters(route.template), route.parameters, strict=True):
        values[parameter] = PARAMETER_SAMPLE.get(parameter, SAMPLE[converter])
    return route.fill(**values)


def _converters(template):
    return [found or "str" for found in re.findall(r"<(?:(\w+):)?\w+>", template)]


ROUTES = [route for route in all_routes() if route.template != "/healthz"]


def test_no_view_is_exempt_from_csrf_without_a_reason():
    exempt = {route.name for route in ROUTES if getattr(route.callback, "csrf_exempt", False)}

    assert exempt == EXEMPT_BUT_PROTECTED_INSIDE


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_a_post_without_a_token_is_refused(route):
    # A signed-in nominator, so login_required lets the request reach the CSRF check.
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(preferred_language="en"))

    response = client.post(_path(route), {"anything": "1"})

    assert response.status_code == 403
    # Outside the language prefix (open data) the page follows the browser: Chinese by default.
    heading = "The form has expired" if route.template.startswith("/en/") else "表单已失效"
    assert heading in response.content.decode()


@pytest.mark.django_db
def test_the_csrf_page_is_in_the_portal_layout_and_in_chinese():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/zh-hans/accounts/login/", {"login": "a@example.org", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "表单已失效" in html
    assert 'lang="zh-hans"' in html
    assert 'href="/en/accounts/login/"' in html  # the language switcher keeps the page
    assert "Content-Security-Policy" in response.headers
