"""The sign-in limit: a stranger's wrong passwords lock out the stranger, not the account's owner.

allauth keys its limit on failed sign-ins on the address or on the account alone. Keyed on the
account, anyone who knows an e-mail address could keep its owner out for good by typing five
wrong passwords every five minutes. This module combines the two keys instead:

- **One address, one account**: 5 wrong passwords within 15 minutes lock that address out of
  that account: it gets the 429 page, whatever it types, until the oldest failure is 15 minutes
  old. Other addresses are not affected, so the owner signs in from theirs at once.
- **One address, all accounts**: 20 wrong passwords within an hour lock that address out of
  every account (429), so one machine cannot spray a common password over the committee.
- **One account, all addresses**: at most 20 wrong passwords within an hour, from all addresses
  together (at most 480 a day). Beyond that, an address that has not signed in to the account
  before is refused without its password being checked; a browser that has signed in to the
  account before (it keeps a signed cookie, see `remember_browser`) is not, so guessing spread
  over many addresses stays slow without locking the owner out of their usual browser. A
  password reset by e-mail clears this count.

An attempt that is refused checks no password and counts as nothing. The owner of the account
gets one e-mail per hour while their account is being guessed at (an address locked, or the
account's count reached), in their own language. The counters live in the cache (Redis), with
allauth's own bookkeeping (`allauth.core.internal.ratelimit`).
"""

import time

from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing

APP = "accounts"
ADDRESS_RATES = {"login_failed_address": "5/15m/key,20/h/ip"}
ACCOUNT_RATES = {"login_failed_account": "20/h/key"}
ALERT_WINDOW = 60 * 60

KNOWN_BROWSER_COOKIE = "wnevc_known_browser"
KNOWN_BROWSER_SALT = "accounts.signin_limit.known_browser"
KNOWN_BROWSER_MAX_AGE = 365 * 24 * 60 * 60
# A shared computer may be used by a few people; the cookie keeps the last few accounts.
KNOWN_BROWSER_ACCOUNTS = 5


class AddressLocked(Exception):
    """This address may not try this account (or any account) for now: answer 429."""


class AccountLocked(Exception):
    """Too many wrong passwords for this account from unknown browsers: refuse the attempt."""


def login_key(credentials: dict) -> str:
    return (credentials.get("email") or credentials.get("username") or "").strip().lower()


def _address_key(request, login: str) -> str:
    return f"{ratelimit.get_ip(request)}|{login}"


def _consume(request, action: str, config: dict, key: str, *, dry_run: bool = False):
    return ratelimit.consume(
        request, app=APP, action=action, config=config, key=key, dry_run=dry_run
    )


def consume_attempt(request, credentials: dict, *, known_browser: bool):
    """Count one sign-in attempt before its password is checked.

    Returns the usage to roll back if the password turns out right. Raises AddressLocked or
    AccountLocked (nothing counted) when the attempt must be refused unchecked.
    """
    login = login_key(credentials)
    address = _consume(request, "login_failed_address", ADDRESS_RATES, _address_key(request, login))
    if address is None:
        raise AddressLocked
    if known_browser:
        return address
    account = _consume(request, "login_failed_account", ACCOUNT_RATES, login)
    if account is None:
        address.rollback()
        raise AccountLocked
    return ratelimit.RateLimitUsage(usage=[*address.usage, *account.usage])


def is_being_guessed(request, credentials: dict) -> bool:
    """After a failure: is this address now locked out of the account, or the account's count
    reached? Then its owner should hear of it."""
    login = login_key(credentials)
    address_open = _consume(
        request,
        "login_failed_address",
        ADDRESS_RATES,
        _address_key(request, login),
        dry_run=True,
    )
    account_open = _consume(request, "login_failed_account", ACCOUNT_RATES, login, dry_run=True)
    return address_open is None or account_open is None


def alert_key(user) -> str:
    """One alert per account per hour, however many addresses guess."""
    return f"accounts.signin-guessed:{user.pk}:{int(time.time() // ALERT_WINDOW)}"


def clear_account(request, login: str) -> None:
    """A password reset by e-mail proves the owner: their account's count starts again."""
    ratelimit.clear(
        request, app=APP, action="login_failed_account", config=ACCOUNT_RATES, key=login.lower()
    )


def known_user_pks(request) -> list[int]:
    """The accounts this browser has signed in to (a signed cookie: it cannot be forged)."""
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE)
    if not value:
        return []
    try:
        pks = signing.loads(value, salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_MAX_AGE)
    except signing.BadSignature:
        return []
    return [pk for pk in pks if isinstance(pk, int)] if isinstance(pks, list) else []


def remember_browser(request, response, user) -> None:
    """Mark this browser as one the user has signed in with (password and second factor)."""
    previous = [pk for pk in known_user_pks(request) if pk != user.pk]
    pks = [user.pk, *previous][:KNOWN_BROWSER_ACCOUNTS]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        signing.dumps(pks, salt=KNOWN_BROWSER_SALT),
        max_age=KNOWN_BROWSER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
