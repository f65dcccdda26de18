"""The portal's URLconf plus /bench/bare/: the ceiling of pages.py (see bench_settings.py)."""

from django.http import HttpResponse
from django.urls import path

from wnevc.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
