from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts import roles
from submissions.models import Edition
from submissions.stages import Stage


@login_required
def dashboard(request):
    """The first page after sign-in: what this person can do, by role."""
    user = request.user
    is_organiser = roles.has_role(user, roles.ORGANISER) or user.is_superuser
    is_expert = roles.has_role(user, roles.EXPERT)
    edition = Edition.objects.prefetch_related("stage_windows").current()
    windows = list(edition.stage_windows.all()) if edition else []
    now = timezone.now()
    return render(
        request,
        "portal/dashboard.html",
        {
            "is_organiser": is_organiser,
            "is_expert": is_expert,
            # Whoever is neither organiser nor expert signed up to nominate for an organisation.
            "is_nominator": not (is_organiser or is_expert),
            "edition": edition,
            "current_window": edition.current_stage(windows=windows, now=now) if edition else None,
            "collection_window": next(
                (window for window in windows if window.stage == Stage.COLLECTION), None
            ),
            "now": now,
        },
    )
