"""The one gate in front of every page: a named `rules` permission, 404 on refusal.

A view names the permission it needs (declared once in its app's `rules.py`) and, for an object
page, how to find the object: `fn(request, **url_kwargs)`, which looks it up in a visibility
queryset (`get_object_or_404(visible, ...)`), so a refused object and a missing one are the same
404 without a branch. Anonymous visitors are sent to sign in first (the page may be theirs once
they do); anyone signed in who is refused gets 404, so a page's or an object's existence does
not leak.

The object `fn` found is kept on the request as `request.permitted_object`, so the view need not
look it up twice.
"""

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def permission_required_or_404(perm: str, fn: Callable | None = None):
    """Refuse the view unless `rules.has_perm(perm, user, obj)`; 404 for a refusal.

    `rules.has_perm` rather than `user.has_perm`: Django grants superusers every permission,
    and a superuser is no committee member; superusers are organisers by `is_organiser`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = fn(request, *args, **kwargs) if fn is not None else None
            if not rules.has_perm(perm, request.user, obj):
                raise Http404
            request.permitted_object = obj
            return view(request, *args, **kwargs)

        wrapper.permission_required = perm
        return wrapper

    return decorator
