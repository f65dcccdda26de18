import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD


def url(name: str, language: str, *args, **kwargs) -> str:
    """A named URL under one language prefix."""
    with translation.override(language):
        return reverse(name, args=args, kwargs=kwargs)


def sign_in(client, email: str, password: str = PASSWORD, language: str = "zh-hans"):
    """Sign in through allauth's real view, as a browser would; returns the response."""
    return client.post(url("account_login", language), {"login": email, "password": password})


# A code read this close to the end of its period may reach the server in the next one, which
# refuses it (the portal accepts the current period only: allauth's TOTP tolerance of 0).
LAST_SECONDS_OF_A_PERIOD = 5


def totp_code(secret: str) -> str:
    """The code an authenticator app would show right now for this secret; near the end of a
    period, as a person would, it waits for the next code."""
    import time

    from allauth.mfa import app_settings

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < LAST_SECONDS_OF_A_PERIOD:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def link_in(message, path_part: str) -> str:
    """The first absolute link in an e-mail's text whose path contains path_part."""
    links = re.findall(r"https?://\S+", message.body)
    matching = [link for link in links if path_part in link]
    assert matching, f"no link with {path_part!r} in:\n{message.body}"
    return matching[0]


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox
