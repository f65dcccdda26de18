"""Site-wide views that belong to no app."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers and WeChat ask for /favicon.ico whatever the page's <link rel="icon"> says; they
    get the portal's mark (resolved per request: the static manifest's hashed name)."""
    return HttpResponsePermanentRedirect(static("img/wnevc-mark.svg"))
