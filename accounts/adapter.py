import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from django.urls import reverse, translate_url
from django.utils import translation

from .models import User

# Links that allauth puts into its e-mails; they are rewritten into the recipient's language so
# the page the link opens reads like the e-mail.
LINKS_IN_EMAILS = ("activate_url", "password_reset_url", "signup_url")
MESSAGES_SHOWN_IN_OWN_LANGUAGE = (
    "account/messages/logged_in.txt",
    "account/messages/email_confirmed.txt",
)


class AccountAdapter(DefaultAccountAdapter):
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
