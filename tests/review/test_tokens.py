"""review/tokens.py: single-use invitation links that outlive a reset link but not 14 days."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone

from review.tokens import INVITATION_DAYS, decode_uid, encode_uid, invitation_tokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_fresh_token_opens_the_link():
    user = UserFactory()

    assert invitation_tokens.check_token(user, invitation_tokens.make_token(user)) is True


def test_setting_a_password_spends_the_token():
    user = UserFactory()
    token = invitation_tokens.make_token(user)

    user.set_password("a new and long password")
    user.save()

    assert invitation_tokens.check_token(user, token) is False


def test_a_password_reset_token_is_not_an_invitation():
    user = UserFactory()

    assert invitation_tokens.check_token(user, default_token_generator.make_token(user)) is False


@pytest.mark.parametrize("token", ["", None, "nodash", "zz-zz-zz", "!!-abc"])
def test_a_malformed_token_is_refused(token):
    assert invitation_tokens.check_token(UserFactory(), token) is False


def test_the_token_lasts_its_days_and_no_longer():
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = invitation_tokens.make_token(user)

    with time_machine.travel(start + timedelta(days=INVITATION_DAYS, seconds=-60), tick=False):
        assert invitation_tokens.check_token(user, token) is True
    with time_machine.travel(start + timedelta(days=INVITATION_DAYS, seconds=60), tick=False):
        assert invitation_tokens.check_token(user, token) is False


def test_the_uid_round_trips_and_garbage_decodes_to_none():
    user = UserFactory()

    assert decode_uid(encode_uid(user)) == str(user.pk)
    assert decode_uid("_w") is None  # the byte 0xFF, not UTF-8
