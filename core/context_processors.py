from django.conf import settings


def portal(request):
    return {
        # The demo may relax MFA for experts and organisers; every page then says so.
        "mfa_relaxed": not settings.WNEVC_REQUIRE_MFA,
        "LANGUAGE_ALTERNATIVES": settings.LANGUAGES,
    }
