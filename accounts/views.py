from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils.translation import gettext as _

from . import roles
from .forms import PreferencesForm


@login_required
def dashboard(request):
    """The first page after sign-in: what this person can do, by role."""
    return render(
        request,
        "accounts/dashboard.html",
        {
            "is_organiser": roles.has_role(request.user, roles.ORGANISER)
            or request.user.is_superuser,
            "is_expert": roles.has_role(request.user, roles.EXPERT),
        },
    )


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your preferences are saved."))
        # Show the confirmation in the language just chosen.
        return redirect(translate_url(request.path, user.preferred_language))
    return render(request, "accounts/preferences.html", {"form": form})
