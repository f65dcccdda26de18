"""Real Chromium (Debian's) driven by Playwright against pytest-django's live server.

Locally a machine without /usr/bin/chromium skips these tests; CI (CI=true) installs Chromium
and lets none of them skip.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    # Less work per page for a browser nobody watches: about a sixth of Chromium's CPU time in
    # the every-page check (tests/browser/test_every_page.py), which shares 2 cores with the
    # rest of the suite. None of them changes layout, colours or what axe-core finds.
    "--disable-extensions",
    "--mute-audio",
    "--disable-software-rasterizer",
    "--disable-smooth-scrolling",
    "--disable-threaded-animation",
    "--disable-threaded-scrolling",
    "--disable-checker-imaging",
    "--disable-partial-raster",
]
SHOTS = Path(os.environ.get("WNEVC_SHOTS", "/tmp/wnevc/shots"))  # noqa: S108 - shared shots folder
# Screenshots are for a person to look at: WNEVC_SCREENSHOTS=1 takes them, into SHOTS. No check
# reads them, and each full-page PNG costs Chromium a tenth of a second or more of CPU.
SCREENSHOTS = os.environ.get("WNEVC_SCREENSHOTS") == "1"


def snap(target, **options) -> None:
    """`target.screenshot(**options)` (a page or a locator) when screenshots are asked for."""
    if SCREENSHOTS:
        target.screenshot(**options)


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, started with a MEDIA_URL it can parse. The settings have
    MEDIA_URL = None (private files are never served by URL), which the server reads once, as
    it starts; an absolute URL on another host makes it serve no media at all, which is what the
    settings mean. Only for that moment: the other tests of the worker keep MEDIA_URL = None."""
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="https://media.invalid/"):
        server = LiveServer("localhost")
    yield server
    server.stop()


# The CJK font the PDFs embed (vendored in core/fonts), for Chromium: a machine without
# Chinese system fonts (CI's) would otherwise draw the Chinese pages as empty boxes, and the
# screenshots of them would show nothing worth looking at.
CJK_FONTS = Path(__file__).resolve().parents[2] / "core" / "fonts"


def _fontconfig(folder: Path) -> dict[str, str]:
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<include ignore_missing='yes'>/etc/fonts/fonts.conf</include><dir>{CJK_FONTS}</dir>"
        "</fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    env = _fontconfig(tmp_path_factory.mktemp("fontconfig"))
    # Playwright's sync API keeps an event loop running in this thread from here to the end of
    # the worker's session, and Django then refuses ORM calls as if they came from async code:
    # the factories, the tests' reads, and the other tests of the same xdist worker, which run
    # after this one. The portal has no async code, so there is nothing for that check to find.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env
        )
        yield browser
        browser.close()


def console_errors(page) -> list[str]:
    """Collects the page's console errors (CSP violations are console errors in Chromium) and
    uncaught script errors, into the list it returns. A page or an upload that answers 4xx on
    purpose (a 404, a 429, a refused form's or file's 400) logs its failed load: that one is
    expected (the page shows the refusal); a failed script, style sheet or image is not."""
    errors, refused_pages = [], set()

    def on_response(response):
        answered = response.request.resource_type in ("document", "xhr", "fetch")
        if answered and 400 <= response.status < 500:
            refused_pages.add(response.url)

    def on_console(message):
        if message.type != "error":
            return
        own_page = message.location.get("url") in refused_pages
        if not (own_page and message.text.startswith("Failed to load resource")):
            errors.append(message.text)

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) on the live server, wide enough for the full navbar.
    A test that leaves an error in the console fails at teardown."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = console_errors(page)
    yield page
    context.close()
    assert errors == [], "the browser console logged errors"


@pytest.fixture
def shots():
    """Where a test saves its screenshots: SHOTS/<area>/ (created on demand)."""

    def folder(area: str) -> Path:
        path = SHOTS / area
        path.mkdir(parents=True, exist_ok=True)
        return path

    return folder
