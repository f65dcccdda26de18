"""The sign-in limit (accounts/signin_limit.py) with numbers: a stranger who guesses from one
address locks out that address, not the account's owner; guessing spread over many addresses
stays at 20 wrong passwords per hour per account; the owner hears of it by e-mail."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user
from django.test import Client
from django.utils import timezone

from accounts.signin_limit import KNOWN_BROWSER_COOKIE
from core.models import OutboundEmail
from tests.factories import PASSWORD, UserFactory

from .conftest import link_in, sign_in, totp_code, url

pytestmark = pytest.mark.django_db

ADDRESS_A = "203.0.113.10"
ADDRESS_B = "198.51.100.20"
WRONG = "wrong-password"
NEW = "A-new-long-pass-2031"
GUESSED_AT = "Too many wrong passwords have been tried for this account"


def at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_after_60_failures_from_a_the_right_password_from_b_signs_in_at_once():
    owner = UserFactory(preferred_language="en")
    stranger = at(ADDRESS_A)

    statuses = [sign_in(stranger, owner.email, WRONG, "en").status_code for _ in range(60)]

    # Five wrong passwords are checked; from then on address A gets the 429 page unchecked.
    assert statuses == [200] * 5 + [429] * 55
    owner_browser = at(ADDRESS_B)
    response = sign_in(owner_browser, owner.email, PASSWORD, "en")
    assert response["Location"] == url("accounts:dashboard", "en")
    assert get_user(owner_browser) == owner
    # Address A keeps getting 429, even with the right password.
    assert sign_in(stranger, owner.email, PASSWORD, "en").status_code == 429
    assert not get_user(stranger).is_authenticated


def test_the_owner_from_b_still_gives_the_second_factor_as_usual():
    expert = UserFactory(roles=["expert"], preferred_language="en")
    secret = generate_totp_secret()
    TOTP.activate(expert, secret)
    stranger = at(ADDRESS_A)
    for _attempt in range(60):
        sign_in(stranger, expert.email, WRONG, "en")

    owner_browser = at(ADDRESS_B)
    first_step = sign_in(owner_browser, expert.email, PASSWORD, "en")

    assert first_step["Location"] == url("mfa_authenticate", "en")
    assert not get_user(owner_browser).is_authenticated
    owner_browser.post(first_step["Location"], {"code": totp_code(secret)})
    assert get_user(owner_browser) == expert


def test_the_429_page_for_a_locked_address_is_in_the_visitor_language():
    owner = UserFactory()
    stranger = at(ADDRESS_A)
    for _attempt in range(5):
        sign_in(stranger, owner.email, WRONG, "zh-hans")

    response = sign_in(stranger, owner.email, PASSWORD, "zh-hans")

    assert response.status_code == 429
    assert '<h1 class="mb-3">尝试次数过多</h1>' in response.content.decode()


def test_the_address_lock_ends_after_15_minutes():
    owner = UserFactory()
    stranger = at(ADDRESS_A)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _attempt in range(5):
            sign_in(stranger, owner.email, WRONG, "en")
        traveller.shift(timedelta(minutes=14))
        assert sign_in(stranger, owner.email, PASSWORD, "en").status_code == 429
        traveller.shift(timedelta(minutes=1, seconds=1))

        response = sign_in(stranger, owner.email, PASSWORD, "en")

    assert response.status_code == 302
    assert get_user(stranger) == owner


def test_one_address_spraying_many_accounts_is_locked_after_20_failures():
    accounts = UserFactory.create_batch(21)
    stranger = at(ADDRESS_A)

    statuses = [sign_in(stranger, a.email, WRONG, "en").status_code for a in accounts[:20]]

    assert statuses == [200] * 20
    assert sign_in(stranger, accounts[20].email, PASSWORD, "en").status_code == 429
    assert not get_user(stranger).is_authenticated


def test_guessing_spread_over_many_addresses_gets_20_wrong_passwords_per_hour():
    owner = UserFactory(preferred_language="en")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        # Four wrong passwords from each of five addresses: no address is locked.
        checked = []
        for number in range(5):
            guesser = at(f"192.0.2.{number + 1}")
            for _attempt in range(4):
                checked.append(sign_in(guesser, owner.email, WRONG, "en").content.decode())
        assert [GUESSED_AT in page for page in checked] == [False] * 20

        # The 21st, from a sixth address, is refused without its password being checked.
        refused = sign_in(at("192.0.2.6"), owner.email, PASSWORD, "en")
        assert refused.status_code == 200
        assert GUESSED_AT in refused.content.decode()

        traveller.shift(timedelta(hours=1, seconds=1))
        later = at("192.0.2.7")
        sign_in(later, owner.email, PASSWORD, "en")

    assert get_user(later) == owner


def test_the_owners_own_browser_is_not_refused_by_the_count_of_the_account():
    owner = UserFactory(preferred_language="en")
    own_browser = at(ADDRESS_B)
    sign_in(own_browser, owner.email, PASSWORD, "en")
    own_browser.post(url("account_logout", "en"))
    assert KNOWN_BROWSER_COOKIE in own_browser.cookies
    for number in range(5):
        guesser = at(f"192.0.2.{number + 1}")
        for _attempt in range(4):
            sign_in(guesser, owner.email, WRONG, "en")
    new_browser = at("192.0.2.99")
    assert GUESSED_AT in sign_in(new_browser, owner.email, PASSWORD, "en").content.decode()

    sign_in(own_browser, owner.email, PASSWORD, "en")

    assert get_user(own_browser) == owner
    assert not get_user(new_browser).is_authenticated


def test_a_forged_known_browser_cookie_is_ignored():
    owner = UserFactory(preferred_language="en")
    for number in range(5):
        guesser = at(f"192.0.2.{number + 1}")
        for _attempt in range(4):
            sign_in(guesser, owner.email, WRONG, "en")
    forger = at("192.0.2.99")
    forger.cookies[KNOWN_BROWSER_COOKIE] = f"[{owner.pk}]"

    response = sign_in(forger, owner.email, PASSWORD, "en")

    assert GUESSED_AT in response.content.decode()
    assert not get_user(forger).is_authenticated


def test_a_password_reset_by_e_mail_clears_the_count_of_the_account(outbox):
    owner = UserFactory(preferred_language="en")
    for number in range(5):
        guesser = at(f"192.0.2.{number + 1}")
        for _attempt in range(4):
            sign_in(guesser, owner.email, WRONG, "en")
    new_browser = at("192.0.2.99")
    assert GUESSED_AT in sign_in(new_browser, owner.email, PASSWORD, "en").content.decode()

    new_browser.post(url("account_reset_password", "en"), {"email": owner.email})
    form = new_browser.get(link_in(outbox[-1], "/password/reset/key/"), follow=True)
    new_browser.post(form.redirect_chain[-1][0], {"password1": NEW, "password2": NEW})
    new_browser.post(url("account_logout", "en"))
    new_browser.cookies.pop(KNOWN_BROWSER_COOKIE, None)

    sign_in(new_browser, owner.email, NEW, "en")
    assert get_user(new_browser) == owner


def test_the_owner_gets_one_e_mail_in_their_language_while_being_guessed_at():
    owner = UserFactory(preferred_language="zh-hans")
    for address in (ADDRESS_A, "203.0.113.11"):
        stranger = at(address)
        for _attempt in range(10):
            sign_in(stranger, owner.email, WRONG, "en")

    alerts = list(OutboundEmail.objects.values_list("template", "to", "language"))
    assert alerts == [("signin_guessed", [owner.email], "zh-hans")]
    alert = OutboundEmail.objects.get()
    assert ADDRESS_A in alert.text
    assert "有人正在用错误的密码" in alert.text


def test_a_few_wrong_passwords_send_no_e_mail():
    owner = UserFactory()
    stranger = at(ADDRESS_A)
    for _attempt in range(4):
        sign_in(stranger, owner.email, WRONG, "en")

    assert OutboundEmail.objects.count() == 0


def test_an_unknown_address_is_locked_like_a_real_one_and_mails_nobody():
    stranger = at(ADDRESS_A)

    statuses = [sign_in(stranger, "nobody@example.org", WRONG, "en").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    assert OutboundEmail.objects.count() == 0
