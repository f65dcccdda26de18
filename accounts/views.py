from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext as _

from .forms import PreferencesForm


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
