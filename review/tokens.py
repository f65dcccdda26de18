"""One-time invitation links for committee experts.

Django's password-reset token is single-use by construction: it hashes the password (and the
last sign-in), so it stops working the moment the expert sets a password. Our own salt keeps
invitation and reset links apart, and an invitation stays valid longer than a reset link.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

INVITATION_DAYS = 14


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "review.tokens.InvitationTokenGenerator"
    timeout_seconds = INVITATION_DAYS * 24 * 3600

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout_seconds


invitation_tokens = InvitationTokenGenerator()


def encode_uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def decode_uid(uidb64: str) -> str | None:
    try:
        return force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, OverflowError):
        return None
