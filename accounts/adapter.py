import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.ratelimit import get_ip, respond_429
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.emails import queue_email

from . import signin_limit
from .models import User

# Links that allauth puts into its e-mails; they are rewritten into the recipient's language so
# the page the link opens reads like the e-mail.
LINKS_IN_EMAILS = ("activate_url", "password_reset_url", "signup_url")
MESSAGES_SHOWN_IN_OWN_LANGUAGE = (
    "account/messages/logged_in.txt",
    "account/messages/email_confirmed.txt",
)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_guessed_at": _(
            "Too many wrong passwords have been tried for this account, so we do not accept "
            "a sign-in from a new browser for now. Sign in from a browser you have used "
            "before, try again within an hour, or reset your password by e-mail."
        ),
    }

    def pre_authenticate(self, request, **credentials):
        """Count the attempt under the combined limit of accounts.signin_limit (not allauth's
        per-account key, which a stranger could use to lock the owner out)."""
        login = signin_limit.login_key(credentials)
        known = signin_limit.known_user_pks(request)
        known_browser = (
            bool(known) and User.objects.filter(pk__in=known, email__iexact=login).exists()
        )
        try:
            self._login_failed_rl_usage = signin_limit.consume_attempt(
                request, credentials, known_browser=known_browser
            )
        except signin_limit.AddressLocked:
            raise ImmediateHttpResponse(respond_429(request)) from None
        except signin_limit.AccountLocked:
            raise self.validation_error("account_guessed_at") from None

    def authentication_failed(self, request, **credentials):
        if not signin_limit.is_being_guessed(request, credentials):
            return
        user = User.objects.filter(email__iexact=signin_limit.login_key(credentials)).first()
        if user is None:
            return
        language = user.preferred_language or translation.get_language()
        queue_email(
            name="signin_guessed",
            to=[user.email],
            context={"user": user, "address": get_ip(request)},
            language=language,
            key=signin_limit.alert_key(user),
        )

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # allauth calls this after a password reset by e-mail: the owner has proved themselves.
        super()._delete_login_attempts_cached_email(request, **credentials)
        signin_limit.clear_account(request, signin_limit.login_key(credentials))

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        # Signed in with every factor: this browser may sign in to the account even while
        # strangers have used up the account's count of wrong passwords.
        if response is not None:
            signin_limit.remember_browser(request, response, user)
        return response

    def get_login_redirect_url(self, request):
        # After sign-in, pages follow the language the person chose for themselves.
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", None)
        return translate_url(url, language) if language else url

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # These messages are shown after the redirect to the person's own language (see
        # get_login_redirect_url), so they are written in that language too.
        language = getattr(request.user, "preferred_language", None)
        if message_template in MESSAGES_SHOWN_IN_OWN_LANGUAGE and language:
            with translation.override(language):
                return super().add_message(request, level, message_template, *args, **kwargs)
        return super().add_message(request, level, message_template, *args, **kwargs)

    def get_logout_redirect_url(self, request):
        # Back to the home page in the language the person was reading, not Accept-Language's.
        return reverse("submissions:home")

    def get_email_verification_redirect_url(self, email_address):
        url = reverse("accounts:dashboard")
        language = getattr(email_address.user, "preferred_language", None)
        return translate_url(url, language) if language else url

    def is_reauthentication_required(self, *, app, **kwargs):
        """Setting up two-factor sign-in right after signing in needs no second password.

        Experts and organisers are sent to the TOTP set-up as soon as they sign in, then shown
        their recovery codes; asking for the password they typed a moment ago would only
        confuse them. Once the set-up is older than this sign-in (a later session, or more than
        ACCOUNT_REAUTHENTICATION_TIMEOUT seconds), MFA changes ask for it again, as allauth does.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and self._setting_up_mfa_after_sign_in():
            return False
        return required

    def _setting_up_mfa_after_sign_in(self) -> bool:
        from allauth.mfa.models import Authenticator

        request = self.request or allauth_context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        records = get_authentication_records(request, user)
        if not records:
            return False
        signed_in_at = records[0]["at"]
        if time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT:
            return False
        # Every authenticator was made in this session, after the sign-in.
        return not Authenticator.objects.filter(
            user=user, created_at__lt=datetime.fromtimestamp(signed_in_at, tz=UTC)
        ).exists()

    def send_mail(self, template_prefix, email, context):
        """Every e-mail goes out in the recipient's preferred language, links included.

        At sign-up the preferred language defaults to the language of the page, so the
        verification e-mail reads like the page the person signed up on. Someone without an
        account (e.g. a reset asked for an unknown address) gets the language of the page.
        """
        language = self._recipient_language(email, context)
        context = dict(context)
        for key in LINKS_IN_EMAILS:
            if context.get(key):
                context[key] = translate_url(context[key], language)
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    @staticmethod
    def _recipient_language(email, context) -> str:
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).only("preferred_language").first()
        if user is not None and user.preferred_language:
            return user.preferred_language
        return translation.get_language()
