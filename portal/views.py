from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.rules import is_expert, is_nominator, is_organiser
from submissions.models import Edition
from submissions.queries import returned_for_correction
from submissions.stages import Stage


@login_required
def dashboard(request):
    """The first page after sign-in: what this person can do, by role."""
    user = request.user
    edition = Edition.objects.prefetch_related("stage_windows").current()
    windows = list(edition.stage_windows.all()) if edition else []
    now = timezone.now()
    nominator = is_nominator(user)
    collection_window = next(
        (window for window in windows if window.stage == Stage.COLLECTION), None
    )
    return render(
        request,
        "portal/dashboard.html",
        {
            "is_organiser": is_organiser(user),
            "is_expert": is_expert(user),
            "is_nominator": nominator,
            "edition": edition,
            "current_window": edition.current_stage(windows=windows, now=now) if edition else None,
            "collection_window": collection_window,
            # Nominations can no longer be created (those returned can still be corrected).
            "collection_closed": collection_window is not None
            and now >= collection_window.closes_at,
            "now": now,
            "returned": list(returned_for_correction(user.organisation_id, edition, now))
            if edition and user.organisation_id and nominator
            else [],
        },
    )
