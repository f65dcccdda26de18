"""Every page each persona reaches, in a real browser, in both languages, at 390 and 1280 px.

The pages come from the IDOR walk's world (tests/hostile/test_idor.py), filled to a real
edition's length (tests/browser/every_page_world.py: a committee of 30, 40 entries in review,
30 waiting for the formal check, long titles) and with the previous year's results published:
the URLs without parameters, the object URLs a persona may see and the published year's public
pages, kept where a GET answers an HTML page. On each, at both widths: the page is no wider than
the window, a box that scrolls sideways shows its cue, no table cell clips its text, and the
console stays clean (CSP violations are console errors in Chromium); at 390 px axe-core finds no
violation of wcag2a/2aa/21a/21aa or best practice.

Time: one world and one walk of the URLs for both languages; a page whose <main> an earlier
persona's page had already (the public, account and results pages) is not loaded again; one
browser context per persona, which brings axe-core with each document; each page is loaded once
per language, at 390 px, and then widened to 1280 px in place (the layout is CSS media queries;
the one script that looks at widths, portal.js, only makes a sideways-scrolling box focusable,
which is what axe checks at 390 px). axe runs once per page and language: its rules do not
depend on the width except for scrolling regions, which exist at the phone width.
"""

import json
import os
import re
from pathlib import Path

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from tests.browser.conftest import SCREENSHOTS, console_errors
from tests.browser.every_page_world import fill_to_real_length, publish_earlier_edition
from tests.hostile import test_idor
from tests.hostile.test_idor import PUBLIC, RULES, build_world
from tests.hostile.urlwalk import all_routes
from tests.review.scoring_helpers import DURING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Personas whose pages are a subset of another's (nominator_b of nominator_a's, the unassigned
# and conflicted experts of the assigned expert's) add time, not pages.
WALKED = ("anonymous", "nominator_a", "assigned_expert", "organiser")
# Pages that are not the portal's own: Django's admin (its own templates and scripts).
SKIPPED_PREFIXES = ("/en/admin/", "/healthz")
WIDTHS = (390, 1280)
# Only the pages whose path contains one of these words (comma-separated), e.g. to look at a few:
# WNEVC_SCREENSHOTS=1 WNEVC_PAGE_PERSONAS=organiser WNEVC_PAGE_ONLY=ranking,committee
ONLY = [word for word in os.environ.get("WNEVC_PAGE_ONLY", "").split(",") if word]
# axe-core as axe-playwright-python bundles it (offline).
AXE_SOURCE = Axe().axe_script
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
# Template syntax that reached the page as text (an unclosed {# … #} runs over a line break).
TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")

# Measured in the page: what overflows the window, which sideways-scrolling boxes lack the cue,
# which table cells clip their text.
LAYOUT_PROBLEMS = (Path(__file__).parent / "layout_problems.js").read_text()


def _main_part(html: bytes) -> str:
    """What a page shows in <main>, without the per-request CSRF tokens: the same for two
    personas on a shared page (the account, public and results pages), where only the navbar
    differs."""
    text = html.decode(errors="replace")
    main = text[text.find("<main") : text.rfind("</main>")]
    return CSRF_TOKEN.sub("", main)


def _pages_of(world, persona, published_year: int, leaks: dict) -> dict[str, str]:
    """The HTML pages a persona gets with a GET (answers 200), in English paths, each with
    its main part; the template syntax any shows as text goes into `leaks`."""
    client = test_idor._client(world, persona)
    paths = {}
    for route in all_routes():
        if route.template.startswith(SKIPPED_PREFIXES):
            continue
        if route.name in PUBLIC and route.parameters == ("year",):
            path = route.fill(year=published_year)
        elif route.parameters:
            if route.name not in RULES or persona not in RULES[route.name][1]:
                continue
            path = route.fill(**RULES[route.name][0](world))
        else:
            path = route.template
        response = client.get(path)
        test_idor.close_file(response)
        html = response["Content-Type"].startswith("text/html")
        if response.status_code == 200 and html and b"<html" in response.content[:300].lower():
            paths[path] = _main_part(response.content)
            if found := TEMPLATE_SYNTAX.findall(paths[path]):
                leaks[f"{persona} {path}"] = found
    return paths


@pytest.fixture
def walk(settings):
    settings.WNEVC_REQUIRE_MFA = False
    world = build_world()
    fill_to_real_length(world)
    world.published_year = publish_earlier_edition(
        world.users["organiser"], year=world.edition.year - 1
    )
    return world


def _sign_in(context, world, persona, live_server):
    if persona == "anonymous":
        return
    client = Client()
    client.force_login(world.users[persona])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _problems(page, errors, *, phone: bool) -> list[str]:
    found = list(page.evaluate(LAYOUT_PROBLEMS))
    found += [f"console: {e}" for e in errors]
    errors.clear()
    if phone:
        # Violations only: axe then skips describing every passing node.
        result = page.evaluate(
            "options => axe.run(document, options)",
            {"runOnly": AXE_TAGS, "resultTypes": ["violations"]},
        )
        for violation in result["violations"]:
            targets = [n["target"] for n in violation["nodes"]][:3]
            found.append(f"axe {violation['id']}: {targets}")
    return found


@pytest.mark.timeout(600)
def test_every_page_of_every_persona_fits_a_phone_is_accessible_and_logs_no_error(
    browser, live_server, walk, shots
):
    failures = {}
    leaks: dict[str, list[str]] = {}
    folder = shots("phone")
    personas = os.environ.get("WNEVC_PAGE_PERSONAS", ",".join(WALKED)).split(",")
    checked = set()
    with time_machine.travel(DURING, tick=True):
        for persona in personas:
            reached = _pages_of(walk, persona, walk.published_year, leaks)
            # The published year's results (its "Selected" badges) are among each one's pages.
            assert f"/en/results/{walk.published_year}/" in reached, persona
            # A page whose main part an earlier persona's page had is not loaded again: that
            # content was checked, and this persona's navbar is checked on its other pages.
            pages = [
                path
                for path, main in reached.items()
                if main not in checked and (not ONLY or any(word in path for word in ONLY))
            ]
            checked.update(reached[path] for path in pages)
            context = browser.new_context(base_url=live_server.url)
            # axe-core comes with every document the context loads, rather than being sent
            # over Playwright's pipe (570 kB) before each run.
            context.add_init_script(script=AXE_SOURCE)
            _sign_in(context, walk, persona, live_server)
            page = context.new_page()
            errors = console_errors(page)
            for language in ("zh-hans", "en"):
                for english_path in pages:
                    path = f"/{language}/" + english_path.removeprefix("/en/")
                    found = []
                    page.set_viewport_size({"width": WIDTHS[0], "height": 844})
                    errors.clear()
                    page.goto(path)
                    for width in WIDTHS:
                        if width != WIDTHS[0]:
                            page.set_viewport_size({"width": width, "height": 844})
                        problems = _problems(page, errors, phone=width == WIDTHS[0])
                        found += [f"{width}: {problem}" for problem in problems]
                        if SCREENSHOTS:
                            name = (
                                f"{language}_{persona}_{width}_{path.strip('/').replace('/', '_')}"
                            )
                            page.screenshot(path=str(folder / f"{name[:150]}.png"), full_page=True)
                    if found:
                        failures[f"{persona} {path}"] = found
            context.close()
    report = json.dumps(failures, indent=1, ensure_ascii=False)
    (folder / "problems.json").write_text(report)
    assert leaks == {}
    assert failures == {}
