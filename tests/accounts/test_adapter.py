"""The account adapter: where a person lands after sign-in, and the language of account e-mails."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user
from django.test import Client

from tests.factories import UserFactory

from .conftest import link_in, sign_in, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("page_language", "preferred"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_sign_in_lands_on_the_dashboard_in_the_preferred_language(client, page_language, preferred):
    user = UserFactory(preferred_language=preferred)

    response = sign_in(client, user.email, language=page_language)

    assert response["Location"] == url("accounts:dashboard", preferred)
    assert get_user(client) == user


def test_the_welcome_message_is_in_the_preferred_language(client):
    user = UserFactory(full_name="Li Ming", preferred_language="zh-hans")

    response = sign_in(client, user.email, language="en")
    dashboard = client.get(response["Location"])

    assert [str(message) for message in dashboard.context["messages"]] == [
        "Li Ming，您已成功登录。"
    ]


def test_an_explicit_next_page_is_kept(client):
    user = UserFactory(preferred_language="en")

    response = client.post(
        url("account_login", "zh-hans") + "?next=/zh-hans/me/preferences/",
        {"login": user.email, "password": "Selection-2026-password"},
    )

    assert response["Location"] == "/zh-hans/me/preferences/"


def reset_password(client, email, language):
    return client.post(url("account_reset_password", language), {"email": email})


def test_password_reset_end_to_end_in_the_preferred_language(client, outbox):
    user = UserFactory(email="zhang@example.cn", preferred_language="en")

    # Asked for on a Chinese page, the e-mail follows the person's own language.
    response = reset_password(client, "ZHANG@example.cn", "zh-hans")

    assert response["Location"] == url("account_reset_password_done", "zh-hans")
    assert [message.to for message in outbox] == [["zhang@example.cn"]]
    assert outbox[0].subject == "Password Reset Email"
    assert "Click the link below to reset your password." in outbox[0].body
    link = link_in(outbox[0], "/password/reset/key/")
    assert urlsplit(link).path.startswith("/en/accounts/password/reset/key/")

    # The key in the link is swapped for a session token, then the new password is set.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0]
    done = client.post(
        form_url, {"password1": "Fuel-Cell-Stack-9", "password2": "Fuel-Cell-Stack-9"}
    )

    assert done["Location"] == url("account_reset_password_from_key_done", "en")
    user.refresh_from_db()
    assert user.check_password("Fuel-Cell-Stack-9")
    assert sign_in(client, user.email, "Fuel-Cell-Stack-9")["Location"] == "/en/me/"


def test_password_reset_for_a_chinese_speaker_reads_chinese(client, outbox):
    user = UserFactory(preferred_language="zh-hans")

    reset_password(client, user.email, "en")

    assert outbox[0].subject == "密码重置邮件"
    assert "您好！这是世界新能源汽车大会技术评选平台发来的邮件。" in outbox[0].body
    assert "/zh-hans/accounts/password/reset/key/" in link_in(outbox[0], "/password/reset/")


def test_an_unknown_address_is_answered_in_the_page_language(client, outbox):
    reset_password(client, "nobody@example.cn", "en")

    assert [message.to for message in outbox] == [["nobody@example.cn"]]
    assert outbox[0].subject == "Unknown Account"


def test_changing_the_preferred_language_changes_later_emails(client, outbox):
    user = UserFactory(preferred_language="zh-hans")
    client.force_login(user)
    client.post(
        url("accounts:preferences", "zh-hans"),
        {"full_name": user.full_name, "preferred_language": "en"},
    )
    client.logout()

    reset_password(client, user.email, "zh-hans")

    assert outbox[-1].subject == "Password Reset Email"


def test_a_changed_password_is_announced_in_the_preferred_language(client, outbox):
    user = UserFactory(preferred_language="zh-hans")
    sign_in(client, user.email, language="en")

    client.post(
        url("account_change_password", "en"),
        {
            "oldpassword": "Selection-2026-password",
            "password1": "Hydrogen-Tank-77",
            "password2": "Hydrogen-Tank-77",
        },
    )

    assert [message.to for message in outbox] == [[user.email]]
    assert outbox[0].subject == "密码已更改"
    assert "您的密码现已被修改。" in outbox[0].body


def test_an_address_confirmed_in_another_browser_leads_to_the_dashboard_in_the_own_language(
    client, outbox
):
    # Signed up on a Chinese page choosing English; the link is opened under /zh-hans/ in a
    # browser that never signed in, so allauth cannot sign the person in on confirmation.
    client.post(
        url("account_signup", "zh-hans"),
        {
            "email": "wang.fang@example.cn",
            "full_name": "Wang Fang",
            "preferred_language": "en",
            "password1": "Battery-Cell-2026",
            "password2": "Battery-Cell-2026",
        },
    )
    path = urlsplit(link_in(outbox[0], "/accounts/confirm-email/")).path
    assert path.startswith("/en/")

    confirmed = Client().post(path.replace("/en/", "/zh-hans/", 1))

    assert confirmed["Location"] == url("accounts:dashboard", "en")
    assert EmailAddress.objects.get(email="wang.fang@example.cn").verified is True


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_signing_out_returns_to_the_home_page_of_the_language_being_read(client, language):
    # Not the browser's Accept-Language, nor the preferred language: the page's.
    user = UserFactory(preferred_language="zh-hans" if language == "en" else "en")
    client.force_login(user)
    other = "zh-hans" if language == "en" else "en"

    response = client.post(url("account_logout", language), HTTP_ACCEPT_LANGUAGE=other)

    assert response["Location"] == f"/{language}/"
    assert not get_user(client).is_authenticated
