"""In the browser: a stranger's wrong passwords end on the portal's 429 page in the visitor's
language; an organiser finds no way in the admin to roles, second factors or passwords."""

import pytest

from tests.browser.conftest import snap
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email, password, *, email_label, password_label, button):
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(password)
    # The answer is a new page: wait for it, or a check can read the page the click left.
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=button).click()


def test_wrong_passwords_from_one_address_end_on_the_429_page(page, live_server, shots):
    owner = UserFactory(preferred_language="zh-hans")
    page.goto("/zh-hans/accounts/login/")
    for _attempt in range(5):
        sign_in(
            page,
            owner.email,
            "wrong-password",
            email_label="电子邮箱",
            password_label="密码",
            button="登录",
        )
        assert page.get_by_text("您提供的电子邮件地址和/或密码不正确。").is_visible()

    sign_in(
        page, owner.email, PASSWORD, email_label="电子邮箱", password_label="密码", button="登录"
    )

    assert page.locator("h1").inner_text() == "尝试次数过多"
    assert page.get_by_role("link", name="重置密码").is_visible()
    snap(page, path=str(shots("accounts") / "browser-signin-429-zh-hans.png"), full_page=True)


def test_an_organiser_finds_no_roles_second_factors_or_passwords_in_the_admin(
    page, live_server, settings
):
    settings.WNEVC_REQUIRE_MFA = False
    organiser = UserFactory(roles=["organiser"], preferred_language="en")
    expert = UserFactory(roles=["expert"], preferred_language="en")
    page.goto("/en/accounts/login/")
    sign_in(
        page,
        organiser.email,
        PASSWORD,
        email_label="Email",
        password_label="Password",
        button="Sign In",
    )
    page.wait_for_url(f"{live_server.url}/en/me/")

    page.goto("/en/admin/")

    assert page.locator('a[href="/en/admin/accounts/user/"]').count() >= 1
    for forbidden in ("auth/group", "mfa/authenticator", "account/emailaddress"):
        assert page.locator(f'a[href^="/en/admin/{forbidden}/"]').count() == 0, forbidden
    page.goto(f"/en/admin/accounts/user/{expert.pk}/change/")
    assert page.get_by_text(expert.email).first.is_visible()
    assert page.locator('input[name="_save"]').count() == 0
    assert page.locator('a[href$="/password/"]').count() == 0
