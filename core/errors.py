"""Error pages that keep the portal's layout and language.

Django's own CSRF failure view renders its template without the request, so the page could not
show the navigation, the language switcher or the signed-in user; this one renders with it.
"""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    # The reason is for developers (it names cookies and headers); the page explains in words.
    return render(request, "403_csrf.html", status=403)
