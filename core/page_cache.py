"""Whole public pages cached for anonymous visitors: @cache_public_page(seconds).

The public home and the results are read hardest by people who are not signed in (the hour
after publication; the days before the deadline). For them a page is the same for everyone
reading it in one language, so the rendered response is kept in the cache for a short time.
Who carries a session or messages cookie gets the page rendered as usual (their header, their
messages), and so does every request but GET/HEAD. A response that sets a cookie, carries a
CSRF token, or is not a 200, is never stored.

The key holds the path (which holds the language prefix) and the state the public pages show,
given by the function registered with `register_state`
(portal's: the current edition and its last change, and its publication: published, notice
window). A publication or an edited edition therefore shows at once; what changes only with
the clock (the stage of the calendar) shows within `seconds`. The one query that reads that
state is the one the navigation makes anyway (portal hands its answer to the navigation), so a
page costs no query more than before when it is rendered, and one when served from the cache.
"""

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

STORED_HEADERS = ("Content-Type", "Content-Language", "Access-Control-Allow-Origin")


# The state function is registered by the app that knows what the public pages show
# (portal/apps.py registers portal.public_state.page_state): core imports no app above it.
_state_function: Callable[[HttpRequest], tuple] | None = None


def register_state(function: Callable[[HttpRequest], tuple]) -> None:
    """Set the function that gives, for a request, the state the public pages depend on
    besides the clock; it is part of every cache key."""
    global _state_function
    _state_function = function


def _anonymous(request) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


# Each web process also keeps the pages it served in memory for PAGE_MEMO_SECONDS (1 s in
# production, off with DEBUG and in tests). In the hour after publication the same few pages
# are read hundreds of times a second per process; the state query and the Redis round trip
# were most of what a cached page cost, and a second of staleness costs nobody anything.
_memo: dict[tuple[str, str], tuple[float, bytes, dict]] = {}
MEMO_ENTRIES = 256  # the public pages are few; this only bounds a flood of odd paths


def clear_page_memo() -> None:
    _memo.clear()


def _memo_response(key):
    found = _memo.get(key)
    if found is None or time.monotonic() - found[0] >= settings.PAGE_MEMO_SECONDS:
        return None
    return _response(found[1], found[2])


def _remember(key, content, headers) -> None:
    if settings.PAGE_MEMO_SECONDS <= 0:
        return
    if len(_memo) >= MEMO_ENTRIES:
        _memo.clear()
    _memo[key] = (time.monotonic(), content, headers)


def _response(content, headers) -> HttpResponse:
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def cache_public_page(seconds: int = 60):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # A query string is rendered, not stored: arbitrary ones would only fill the cache.
            # Without a registered state a key could not follow a publication: render.
            if (
                _state_function is None
                or request.method not in ("GET", "HEAD")
                or request.GET
                or not _anonymous(request)
            ):
                return view(request, *args, **kwargs)
            memo_key = (get_language(), request.path)
            remembered = _memo_response(memo_key)
            if remembered is not None:
                return remembered
            state = repr((get_language(), request.path, _state_function(request)))
            key = "public-page:" + hashlib.sha256(state.encode()).hexdigest()
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                _remember(memo_key, content, headers)
                return _response(content, headers)
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.cookies
                # A page that asked for a CSRF token carries one: it is never shared.
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                and not getattr(response, "streaming", False)
            ):
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                headers = {name: response[name] for name in STORED_HEADERS if name in response}
                cache.set(key, (response.content, headers), seconds)
                _remember(memo_key, response.content, headers)
            return response

        return wrapper

    return decorator
