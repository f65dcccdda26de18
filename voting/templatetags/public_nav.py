"""What the public navigation links to once the final evaluation reaches the public: the public
notice (公示) while it is open, the results (评选结果) once published.

One query a page, not cached across requests: the notice opens and ends by the clock, and a
publication must show in the navigation at once. A page that includes the navigation twice
asks once.
"""

from django import template
from django.utils import timezone

from submissions.models import Edition

register = template.Library()

_ATTRIBUTE = "_public_nav_state"


def nav_state(now=None) -> dict:
    """{"results_year": the current edition's year once its results are published, else None;
    "notice_open": whether its public notice is open now}."""
    now = now or timezone.now()
    row = (
        Edition.objects.filter(is_current=True)
        .values(
            "year",
            "publication__published_at",
            "publication__notice_opens_at",
            "publication__notice_closes_at",
        )
        .first()
    )
    if row is None:
        return {"results_year": None, "notice_open": False}
    published = row["publication__published_at"] is not None
    opens, closes = row["publication__notice_opens_at"], row["publication__notice_closes_at"]
    return {
        "results_year": row["year"] if published else None,
        "notice_open": not published and opens is not None and opens <= now < closes,
    }


@register.simple_tag(takes_context=True)
def public_nav_state(context) -> dict:
    request = context.get("request")
    state = getattr(request, _ATTRIBUTE, None)
    if state is None:
        state = nav_state()
        if request is not None:
            setattr(request, _ATTRIBUTE, state)
    return state
