from django import forms
from django.conf import settings
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import User

# Django 5.2 changed this validator message's msgid and its Chinese catalogue has not caught up.
# Marking it here brings it into our catalogue, which takes precedence over Django's own.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


class SignupExtraForm(forms.Form):
    """What allauth's sign-up form asks besides e-mail and password."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("Pages after sign-in and every e-mail to you use this language."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = get_language()

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["full_name", "preferred_language"])


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
