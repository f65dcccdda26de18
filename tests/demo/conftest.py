"""A demo seeded once for the several tests that only read it."""

from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@contextmanager
def seeded_once(django_db_blocker, *args, **settings):
    """Runs `seed_demo *args` (under `settings`) in a transaction of its own, which a class-
    or module-scoped fixture holds open across its tests: each test's own transaction is a
    savepoint inside it, so what a test changes is gone for the next, and the seed itself rolls
    back when the fixture ends. Yields what the command printed. A seed takes seconds; most of
    these tests only read what it made."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with override_settings(**settings):
            call_command("seed_demo", *args, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
