from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .setup import ensure_role_groups

        # Groups are infrastructure, not business rules: they exist after every migrate.
        post_migrate.connect(ensure_role_groups, sender=self)
