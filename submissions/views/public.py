"""Pages anyone can read: the call, criteria, channels, calendar, FAQ, contact."""

from django.shortcuts import render

from ..models import Edition


def _edition_context():
    edition = Edition.objects.current()
    windows = list(edition.stage_windows.all()) if edition else []
    return {
        "edition": edition,
        "windows": windows,
        "current_window": edition.current_stage(windows) if edition else None,
    }


def home(request):
    return render(request, "submissions/public_home.html", _edition_context())
