from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top of the order: the signed-in dashboard and the public navigation, which read
    every app below them (docs/architecture.md)."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from core import page_cache

        from .public_state import page_state

        # The page cache (core) keys pages on the state the public pages show; it knows
        # nothing of the apps above it, so the state is handed to it here.
        page_cache.register_state(page_state)
