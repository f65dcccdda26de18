from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User


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
