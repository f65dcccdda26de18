"""Experts and organisers set up TOTP before they reach any of their pages."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import roles

# Paths a person without TOTP may still reach: signing in and out, setting up MFA, static
# files, the health check. Matched after the language prefix.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.WNEVC_REQUIRE_MFA and self._must_set_up_totp(request):
            messages.warning(
                request,
                _(
                    "Experts and organisers protect their account with a second step at "
                    "sign-in. Please set up an authenticator app now; then you can continue "
                    "to your pages."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_set_up_totp(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not roles.needs_mfa(user):
            return False
        path = request.path_info
        for language, _name in settings.LANGUAGES:
            prefix = f"/{language}/"
            if path.startswith(prefix):
                path = path[len(prefix) - 1 :]
                break
        if path.startswith(ALLOWED_PREFIXES):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
