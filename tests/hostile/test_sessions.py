"""Sessions against fixation and replay, and the sign-in limit against an attacker who spreads
guesses over many addresses."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import get_user
from django.test import Client

from tests.accounts.conftest import sign_in, totp_code, url
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Too many wrong passwords have been tried for this account"


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def planted(client) -> str:
    """An attacker's session: visit the site so a session exists, and note its key."""
    session = client.session
    session["planted"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def test_the_session_key_changes_at_sign_in():
    person = UserFactory()
    client = Client()
    before = planted(client)

    sign_in(client, person.email, language="en")

    assert get_user(client) == person
    assert session_key(client) != before
    # The planted key does not carry the sign-in.
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = before
    assert not get_user(attacker).is_authenticated


def test_the_session_key_changes_again_when_the_second_factor_is_given():
    expert = UserFactory(roles=["expert"])
    secret = generate_totp_secret()
    TOTP.activate(expert, secret)
    client = Client()
    planted(client)

    first_step = sign_in(client, expert.email, language="en")
    halfway = session_key(client)
    client.post(first_step["Location"], {"code": totp_code(secret)})

    assert get_user(client) == expert
    assert session_key(client) != halfway
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = halfway
    assert not get_user(attacker).is_authenticated


def test_the_session_key_changes_when_the_password_changes():
    person = UserFactory()
    client = Client()
    sign_in(client, person.email, language="en")
    before = session_key(client)

    client.post(
        url("account_change_password", "en"),
        {
            "oldpassword": PASSWORD,
            "password1": "A-new-long-pass-2031",
            "password2": "A-new-long-pass-2031",
        },
    )

    assert get_user(client) == person
    assert session_key(client) != before


def test_the_old_session_is_useless_after_sign_out():
    person = UserFactory()
    client = Client()
    sign_in(client, person.email, language="en")
    old = session_key(client)

    client.post(url("account_logout", "en"))

    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    response = replay.get(url("accounts:dashboard", "en"))
    assert not get_user(replay).is_authenticated
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_sign_in_limit_holds_per_account_across_addresses():
    # 20 wrong passwords per hour per account from all addresses together, 4 from each of 5
    # (no address reaches its own limit of 5): a new address is then refused unchecked.
    victim = UserFactory()
    for number in range(5):
        guesser = Client(REMOTE_ADDR=f"203.0.113.{number + 1}")
        for _attempt in range(4):
            sign_in(guesser, victim.email, "wrong-password", language="en")

    from_elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    response = sign_in(from_elsewhere, victim.email, PASSWORD, language="en")

    assert REFUSAL in response.content.decode()
    assert not get_user(from_elsewhere).is_authenticated


def test_a_forged_forwarded_for_header_does_not_reset_the_limit():
    victim = UserFactory()
    guesser = Client()
    for number in range(5):
        guesser.post(
            url("account_login", "en"),
            {"login": victim.email, "password": "wrong"},
            headers={"X-Forwarded-For": f"192.0.2.{number + 1}"},
        )

    response = guesser.post(
        url("account_login", "en"),
        {"login": victim.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "192.0.2.200"},
    )

    assert response.status_code == 429
    assert not get_user(guesser).is_authenticated
