"""A visitor switches the home page to English, signs up, confirms the e-mail, lands signed in."""

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.browser.conftest import snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_switch_language_sign_up_confirm_and_land_on_the_dashboard(page, live_server, shots):
    mail.outbox.clear()

    # The home page in Chinese, then the same page in English through the switcher.
    page.goto("/zh-hans/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_test_id("language-switch").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_test_id("language-switch").inner_text() == "中文"

    # Sign up from the navigation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
    page.wait_for_url(f"{live_server.url}/en/accounts/signup/")
    page.get_by_label("Email").fill("chen.jing@battery-lab.example.cn")
    page.get_by_label("Your name").fill("Chen Jing")
    assert page.get_by_label("Preferred language").input_value() == "en"
    page.get_by_label("Password", exact=False).first.fill("Solid-State-2031")
    page.get_by_label("Password (again)").fill("Solid-State-2031")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"{live_server.url}/en/accounts/confirm-email/")
    assert page.locator("h1").inner_text() == "Verify Your Email Address"

    # The verification e-mail, in English, with a link to the English confirmation page.
    assert [message.to for message in mail.outbox] == [["chen.jing@battery-lab.example.cn"]]
    message = mail.outbox[0]
    assert message.subject == "Confirm your e-mail address for the WNEVC Technology Selection"
    link = re.search(r"https?://\S+/en/accounts/confirm-email/\S+", message.body).group(0)

    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(f"{live_server.url}/en/me/")
    assert page.locator("h1").inner_text() == "My portal"
    assert page.get_by_text("Welcome, Chen Jing.").is_visible()
    user = User.objects.get(email="chen.jing@battery-lab.example.cn")
    assert (user.full_name, user.preferred_language) == ("Chen Jing", "en")
    snap(page, path=str(shots("accounts") / "browser-signup-dashboard-en.png"), full_page=True)
