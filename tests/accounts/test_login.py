"""Signing in and out through allauth, and the rate limit on failed sign-ins."""

import pytest
from django.contrib.auth import get_user

from tests.factories import PASSWORD, UserFactory

from .conftest import sign_in, url

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client):
    user = UserFactory(preferred_language="en")

    signed_in = sign_in(client, user.email.upper(), language="en")
    assert signed_in["Location"] == url("accounts:dashboard", "en")
    assert get_user(client) == user

    signed_out = client.post(url("account_logout", "zh-hans"))

    assert signed_out["Location"] == "/zh-hans/"
    assert not get_user(client).is_authenticated


def test_a_wrong_password_is_refused_with_a_translated_message(client):
    user = UserFactory()

    response = sign_in(client, user.email, "not-the-password", language="zh-hans")

    assert response.status_code == 200
    assert "您提供的电子邮件地址和/或密码不正确。" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_an_unverified_address_cannot_sign_in_and_gets_a_new_link(client, outbox):
    user = UserFactory(verified_email=False)

    response = sign_in(client, user.email, language="en")

    assert response["Location"] == url("account_email_verification_sent", "en")
    assert not get_user(client).is_authenticated
    assert [message.to for message in outbox] == [[user.email]]


@pytest.mark.parametrize(
    ("language", "refusal"),
    [("zh-hans", "尝试次数过多"), ("en", "Too many attempts")],
)
def test_after_five_failures_this_address_gets_429_even_with_the_right_password(
    client, language, refusal
):
    # The numbers of the combined limit are in tests/accounts/test_signin_limit.py.
    user = UserFactory()
    for _attempt in range(5):
        failed = sign_in(client, user.email, "wrong-password", language=language)
        assert failed.status_code == 200

    response = sign_in(client, user.email, PASSWORD, language=language)

    assert response.status_code == 429
    assert f'<h1 class="mb-3">{refusal}</h1>' in response.content.decode()
    assert not get_user(client).is_authenticated


def test_the_limit_is_per_account(client):
    blocked, other = UserFactory(), UserFactory()
    for _attempt in range(5):
        sign_in(client, blocked.email, "wrong-password")

    sign_in(client, other.email)

    assert get_user(client) == other


def test_the_429_page_is_the_portal_page_in_the_visitor_language(rf):
    from allauth.core.internal.ratelimit import respond_429
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request = rf.get("/zh-hans/accounts/login/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        response = respond_429(request)

    body = response.content.decode()
    assert response.status_code == 429
    assert '<h1 class="mb-3">尝试次数过多</h1>' in body
    assert 'data-testid="language-switch"' in body


def test_the_admin_signs_in_through_allauth(client):
    # wnevc/urls.py wraps the admin login, so the rate limit and MFA apply there too.
    response = client.get("/en/admin/login/?next=/en/admin/")

    assert response["Location"] == url("account_login", "en") + "?next=%2Fen%2Fadmin%2F"
