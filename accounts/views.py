from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from submissions.models import Edition
from submissions.stages import Stage

from .forms import PreferencesForm
from .rules import is_expert, is_nominator, is_organiser


@login_required
def dashboard(request):
    """The first page after sign-in: what this person can do, by role."""
    user = request.user
    edition = Edition.objects.prefetch_related("stage_windows").current()
    windows = list(edition.stage_windows.all()) if edition else []
    now = timezone.now()
    return render(
        request,
        "accounts/dashboard.html",
        {
            "is_organiser": is_organiser(user),
            "is_expert": is_expert(user),
            "is_nominator": is_nominator(user),
            "edition": edition,
            "current_window": edition.current_stage(windows=windows, now=now) if edition else None,
            "collection_window": next(
                (window for window in windows if window.stage == Stage.COLLECTION), None
            ),
            "now": now,
        },
    )


@login_required
def preferences(request):
    # Always request.user: a person edits their own name and language, nobody else's.
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Show the confirmation, and the page, in the language just chosen.
        with translation.override(user.preferred_language):
            messages.success(request, _("Your preferences are saved."))
        return redirect(translate_url(request.path, user.preferred_language))
    return render(request, "accounts/preferences.html", {"form": form})
