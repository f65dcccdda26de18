"""allauth's pages inside the portal: our layout, Bootstrap forms, both languages.

The headings are allauth's own strings; its Chinese catalogue translates them, so a Chinese page
must not show the English heading.
"""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import UserFactory

from .conftest import sign_in, url

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]

ANONYMOUS_PAGES = [
    ("account_login", "Sign In"),
    ("account_signup", "Register to nominate"),
    ("account_reset_password", "Password Reset"),
    ("account_reset_password_done", "Password Reset"),
    ("account_email_verification_sent", "Verify Your Email Address"),
]

SIGNED_IN_PAGES = [
    ("account_email", "Email Addresses"),
    ("account_change_password", "Change Password"),
    ("account_logout", "Sign Out"),
    ("mfa_index", "Two-Factor Authentication"),
    ("mfa_activate_totp", "Activate Authenticator App"),
    ("account_reauthenticate", "Confirm Access"),
]


def h1_of(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no <h1>"
    return " ".join(match.group(1).split())


def assert_portal_page(response, language: str, heading: str):
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert 'data-testid="language-switch"' in html  # our base.html, not allauth's bare one
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    with translation.override(language):
        expected = gettext(heading)
    if language == "zh-hans":
        assert expected != heading, f"{heading!r} has no Chinese translation"
    assert h1_of(html) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "heading"), ANONYMOUS_PAGES)
def test_anonymous_pages(client, language, name, heading):
    response = client.get(url(name, language))

    assert_portal_page(response, language, heading)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "heading"), SIGNED_IN_PAGES)
def test_signed_in_pages(client, language, name, heading):
    sign_in(client, UserFactory().email)

    response = client.get(url(name, language))

    assert_portal_page(response, language, heading)


@pytest.mark.parametrize("language", LANGUAGES)
def test_email_confirmation_page(client, language):
    user = UserFactory(verified_email=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key

    response = client.get(url("account_confirm_email", language, key))

    assert_portal_page(response, language, "Confirm Email Address")


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_factor_sign_in_page(client, language):
    user = UserFactory()
    TOTP.activate(user, generate_totp_secret())

    code_page = client.get(sign_in(client, user.email, language=language)["Location"])

    assert_portal_page(code_page, language, "Two-Factor Authentication")


@pytest.mark.parametrize("language", LANGUAGES)
def test_recovery_codes_page(client, language):
    user = UserFactory()
    sign_in(client, user.email, language=language)
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)

    response = client.get(url("mfa_view_recovery_codes", language))

    assert_portal_page(response, language, "Recovery Codes")
    assert 'class="form-control font-monospace"' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_password_reset_from_key_page(client, outbox, language):
    user = UserFactory(preferred_language=language)
    client.post(url("account_reset_password", language), {"email": user.email})
    link = re.search(r"https?://\S+/password/reset/key/\S+", outbox[0].body).group(0)

    response = client.get(link, follow=True)

    assert_portal_page(response, language, "Change Password")


def test_forms_use_bootstrap_and_show_labels_and_help(client):
    html = " ".join(client.get(url("account_signup", "en")).content.decode().split())

    assert '<label for="id_full_name" class="form-label requiredField"> Your name' in html
    assert 'class="textinput form-control" required id="id_full_name"' in html
    assert (
        '<div id="id_preferred_language_helptext" class="form-text">'
        "Pages after sign-in and every e-mail to you use this language.</div>"
    ) in html


def test_the_totp_qr_code_is_an_image_the_csp_allows(client):
    sign_in(client, UserFactory(roles=["expert"]).email)

    response = client.get(url("mfa_activate_totp", "en"))

    html = response.content.decode()
    assert re.search(
        r'<img src="data:image/svg\+xml;base64,[^"]+" '
        r'alt="QR code to scan with your authenticator app"',
        html,
    )
    assert "data:" in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert "<style" not in html
    assert ' style="' not in html


def test_the_chinese_sign_up_and_sign_in_pages_address_the_visitor_as_the_portal_does(client):
    # The portal says 您 to everyone; Django's password rules say 你 in its own catalogue. And
    # allauth's invitation to register puts spaces around its link ("请先 注册 。").
    signup = client.get(url("account_signup", "zh-hans")).content.decode()
    login = client.get(url("account_login", "zh-hans")).content.decode()

    assert "您的密码不能与您的其他个人信息太相似。" in signup
    assert "你的" not in signup
    assert re.search(r"请先<a [^>]*>\s*注册\s*</a>。", login), "the invitation to register"
