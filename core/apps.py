from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Audit trail")

    def ready(self):
        from django import forms

        from .validators import ControlCharactersValidator

        # Every text field of every form refuses invisible control characters with a message
        # (core/validators.py), rather than each form remembering to. Subclasses that set their
        # own default validators (e-mail, URL) keep them: their formats exclude controls anyway.
        forms.CharField.default_validators = [ControlCharactersValidator()]
