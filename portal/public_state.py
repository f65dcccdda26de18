"""What the public pages show besides their own content: the current edition, its last change
and its publication (the public notice, 公示, while it is open; the results, 评选结果, once
published).

One query a page, not cached across requests: the notice opens and ends by the clock, and a
publication must show in the navigation at once. The page cache (core/page_cache.py) asks
`page_state` for its key; the answer for the navigation is kept on the request, so a page that
is rendered costs no query more than before and the navigation asks once.
"""

from django.utils import timezone

from submissions.models import Edition

_ATTRIBUTE = "_public_nav_state"
_NO_EDITION = {"results_year": None, "notice_open": False}


def _current_row():
    return (
        Edition.objects.filter(is_current=True)
        .values_list(
            "year",
            "pk",
            "updated_at",
            "publication__published_at",
            "publication__notice_opens_at",
            "publication__notice_closes_at",
        )
        .first()
    )


def _nav(row, now) -> dict:
    if row is None:
        return dict(_NO_EDITION)
    year, _pk, _updated, published_at, opens, closes = row
    published = published_at is not None
    return {
        "results_year": year if published else None,
        "notice_open": not published and opens is not None and opens <= now < closes,
    }


def nav_state(now=None) -> dict:
    """{"results_year": the current edition's year once its results are published, else None;
    "notice_open": whether its public notice is open now}."""
    return _nav(_current_row(), now or timezone.now())


def page_state(request) -> tuple:
    """The page cache's state (registered in PortalConfig.ready); keeps the navigation's
    answer on the request."""
    row = _current_row()
    nav = _nav(row, timezone.now())
    setattr(request, _ATTRIBUTE, nav)
    if row is None:
        return ()
    return (*row, nav["notice_open"])


def nav_state_for(request) -> dict:
    """The navigation's state, asked once per request."""
    state = getattr(request, _ATTRIBUTE, None)
    if state is None:
        state = nav_state()
        if request is not None:
            setattr(request, _ATTRIBUTE, state)
    return state
