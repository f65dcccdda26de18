from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from .setup import ensure_role_groups

        # Groups are infrastructure, not business rules: they exist after every migrate.
        # Connected for every app, not only this one: the permissions of apps migrated after
        # accounts (submissions, review, voting) exist only once their own signal has run.
        post_migrate.connect(ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")

        from . import audit

        audit.connect()
