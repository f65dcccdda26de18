"""Every page each persona reaches, in a real browser, in both languages, at 390 and 1280 px.

The pages come from the IDOR walk's world (tests/hostile/test_idor.py): the URLs without
parameters and the object URLs a persona may see, kept where a GET answers an HTML page. On each:
the page is no wider than the window, a box that scrolls sideways shows its cue, no table cell
clips its text, axe-core finds no violation of wcag2a/2aa/21aa or best practice, and the console
stays clean (CSP violations are console errors in Chromium).
"""

import json
import os
from pathlib import Path

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from tests.browser.conftest import console_errors
from tests.hostile import test_idor
from tests.hostile.test_idor import PERSONAS, RULES, world  # noqa: F401 - the fixture
from tests.hostile.urlwalk import all_routes
from tests.review.scoring_helpers import DURING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Personas whose pages are a subset of another's (nominator_b of nominator_a's, the unassigned
# and conflicted experts of the assigned expert's) add time, not pages.
WALKED = ("anonymous", "nominator_a", "assigned_expert", "organiser")
# Pages that are not the portal's own: Django's admin (its own templates and scripts).
SKIPPED_PREFIXES = ("/en/admin/", "/healthz")
WIDTHS = (390, 1280)
# Screenshots of every page (slow): WNEVC_PAGE_SHOTS=1, for a person to look at.
SCREENSHOTS = os.environ.get("WNEVC_PAGE_SHOTS") == "1"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Measured in the page: what overflows the window, which sideways-scrolling boxes lack the cue,
# which table cells clip their text.
LAYOUT_PROBLEMS = (Path(__file__).parent / "layout_problems.js").read_text()


def _pages_of(world, persona) -> list[str]:  # noqa: F811
    """The HTML pages a persona gets with a GET (answers 200), in English paths."""
    client = test_idor._client(world, persona)
    paths = []
    for route in all_routes():
        if route.template.startswith(SKIPPED_PREFIXES):
            continue
        if route.parameters:
            if route.name not in RULES or persona not in RULES[route.name][1]:
                continue
            path = route.fill(**RULES[route.name][0](world))
        else:
            path = route.template
        response = client.get(path)
        test_idor.close_file(response)
        html = response["Content-Type"].startswith("text/html")
        if response.status_code == 200 and html and b"<html" in response.content[:300].lower():
            paths.append(path)
    return paths


@pytest.fixture
def walk(world, settings):  # noqa: F811 - the fixture
    settings.WNEVC_REQUIRE_MFA = False
    return world


def _sign_in(context, world, persona, live_server):  # noqa: F811
    if persona == "anonymous":
        return
    client = Client()
    client.force_login(world.users[persona])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_of_every_persona_fits_a_phone_is_accessible_and_logs_no_error(
    browser, live_server, walk, language, shots
):
    axe = Axe()
    failures = {}
    folder = shots("phone")
    with time_machine.travel(DURING, tick=True):
        for persona in os.environ.get("WNEVC_PAGE_PERSONAS", ",".join(WALKED)).split(","):
            pages = _pages_of(walk, persona)
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": 390, "height": 844}
            )
            _sign_in(context, walk, persona, live_server)
            page = context.new_page()
            errors = console_errors(page)
            for path in pages:
                path = f"/{language}/" + path.removeprefix("/en/")
                found = []
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 844})
                    errors.clear()
                    page.goto(path)
                    page.wait_for_load_state("load")
                    found += [f"{width}: {p}" for p in page.evaluate(LAYOUT_PROBLEMS)]
                    found += [f"{width}: console: {e}" for e in errors]
                    if width == 390:
                        result = axe.run(page, options={"runOnly": AXE_TAGS})
                        for violation in result.response["violations"]:
                            targets = [n["target"] for n in violation["nodes"]][:3]
                            found.append(f"axe {violation['id']}: {targets}")
                    if SCREENSHOTS:
                        name = f"{language}_{persona}_{width}_{path.strip('/').replace('/', '_')}"
                        page.screenshot(path=str(folder / f"{name[:150]}.png"), full_page=True)
                if found:
                    failures[f"{persona} {path}"] = found
            context.close()
    report = json.dumps(failures, indent=1, ensure_ascii=False)
    (folder / f"problems_{language}.json").write_text(report)
    assert failures == {}
