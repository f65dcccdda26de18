"""Sign-up as a nominating organisation's person, with mandatory e-mail verification.

Everything goes through allauth's real views and our SignupExtraForm, in both languages.
"""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User

from .conftest import link_in, url

pytestmark = pytest.mark.django_db

CASES = [
    pytest.param(
        "zh-hans",
        "请确认您在世界新能源汽车大会技术评选平台注册的电子邮箱",
        "请打开以下链接，确认您的电子邮箱：",
        id="zh-hans",
    ),
    pytest.param(
        "en",
        "Confirm your e-mail address for the WNEVC Technology Selection",
        "Please confirm your e-mail address by opening this link:",
        id="en",
    ),
]


def sign_up(client, language: str, *, email="li.ming@nev-institute.example.cn", chosen=None):
    return client.post(
        url("account_signup", language),
        {
            "email": email,
            "full_name": "李明 Li Ming",
            "preferred_language": chosen or language,
            "password1": "Battery-Cell-2026",
            "password2": "Battery-Cell-2026",
        },
    )


@pytest.mark.parametrize(("language", "subject", "instruction"), CASES)
def test_sign_up_sends_verification_in_the_page_language_and_the_link_signs_in(
    client, outbox, language, subject, instruction
):
    response = sign_up(client, language)

    assert response.status_code == 302
    assert response["Location"] == url("account_email_verification_sent", language)
    user = User.objects.get(email="li.ming@nev-institute.example.cn")
    assert (user.full_name, user.preferred_language) == ("李明 Li Ming", language)
    assert [message.to for message in outbox] == [["li.ming@nev-institute.example.cn"]]
    message = outbox[0]
    assert message.subject == subject
    assert instruction in message.body
    link = link_in(message, "/accounts/confirm-email/")
    assert urlsplit(link).path.startswith(f"/{language}/accounts/confirm-email/")

    # Not signed in before the address is confirmed.
    assert client.get(url("accounts:dashboard", language)).status_code == 302

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    confirmed = client.post(urlsplit(link).path)

    assert confirmed["Location"] == url("accounts:dashboard", language)
    dashboard = client.get(confirmed["Location"])
    assert dashboard.status_code == 200
    assert dashboard.context["user"] == user
    assert EmailAddress.objects.get(user=user).verified is True


def test_verification_page_says_to_check_the_mailbox_in_chinese(client, outbox):
    response = sign_up(client, "zh-hans")

    page = client.get(response["Location"])

    body = page.content.decode()
    assert '<h1 class="mb-3"> 验证您的电子邮箱 </h1>' in " ".join(body.split())
    assert '<html lang="zh-hans">' in body


def test_the_email_follows_the_language_chosen_on_the_form(client, outbox):
    # The form promises "every e-mail to you uses this language"; it defaults to the page's.
    sign_up(client, "en", chosen="zh-hans")

    assert outbox[0].subject == "请确认您在世界新能源汽车大会技术评选平台注册的电子邮箱"
    assert "/zh-hans/accounts/confirm-email/" in link_in(outbox[0], "confirm-email")


def test_sign_up_form_defaults_the_language_to_the_page(client):
    page = client.get(url("account_signup", "en"))

    assert page.context["form"].fields["preferred_language"].initial == "en"


def test_sign_up_with_mistakes_keeps_what_was_entered_and_explains(client, outbox):
    response = client.post(
        url("account_signup", "zh-hans"),
        {
            "email": "wang@example.cn",
            "full_name": "王芳",
            "preferred_language": "zh-hans",
            "password1": "12345",
            "password2": "12345",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="wang@example.cn"' in body
    assert 'value="王芳"' in body
    assert "密码长度太短" in body
    assert "is-invalid" in body
    assert outbox == []
    assert not User.objects.filter(email="wang@example.cn").exists()
