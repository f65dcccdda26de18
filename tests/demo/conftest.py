"""A demo seeded once for the several tests that only read it."""

from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from tests.conftest import rolled_back_at_the_end


@contextmanager
def seeded_once(django_db_blocker, *args, **settings):
    """Runs `seed_demo *args` (under `settings`) once for a class- or module-scoped fixture's
    tests (tests.conftest.rolled_back_at_the_end) and yields what it printed. A seed takes
    seconds; most of these tests only read what it made."""
    with rolled_back_at_the_end(django_db_blocker):
        out = StringIO()
        with override_settings(**settings):
            call_command("seed_demo", *args, stdout=out)
        yield out.getvalue()
