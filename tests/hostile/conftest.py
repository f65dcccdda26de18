"""Fixtures of the hostile-input tests: no TOTP wall, files in a temp folder."""

import pytest


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Personas sign in with force_login; the TOTP wall has its own tests in tests/accounts.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


# The nominations personas (an organisation, its nominator, an organiser, a complete draft).
from tests.submissions.conftest import (  # noqa: E402, F401
    complete_nomination,
    cutting_edge,
    direction,
    edition,
    innovative,
    nomination,
    nominator,
    organisation,
    organiser,
    stranger,
)
