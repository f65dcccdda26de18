"""python manage.py seed_demo: a realistic demo edition, and the logins to try it with."""

import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from core.emails import emails_suppressed
from demo import content
from demo.builders import STAGES, build_demo
from demo.nominations import DEFAULT_COUNT as DEFAULT_NOMINATIONS
from submissions.defaults import COMMITTEE_SIZE
from submissions.stages import Stage

SHOWN_PER_ROLE = 3


@contextmanager
def no_notifications():
    """Demo nominations pass through the real services, which e-mail the nominator. The demo's
    addresses are fictitious, so seeding creates no outgoing e-mail at all (nothing for a
    Celery worker to send later); what a person then does in the demo e-mails as usual."""
    task_log = logging.getLogger("celery.app.trace")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with emails_suppressed():
            yield
    finally:
        task_log.setLevel(level)


class Command(BaseCommand):
    help = (
        "Build the demo edition for a year (replacing any edition of that year), make it the "
        "current one, and print the demo logins. Running it again rebuilds the same edition."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="Year of the demo edition (default: this year in Asia/Shanghai).",
        )
        parser.add_argument(
            "--stage",
            default="collection",
            help=(
                "Fast-forward the edition to this stage; the calendar puts today inside it. "
                f"Available: {', '.join(STAGES)}. Default: collection."
            ),
        )
        parser.add_argument(
            "--experts",
            type=int,
            default=COMMITTEE_SIZE,
            help=f"Number of committee experts (default: {COMMITTEE_SIZE}).",
        )
        parser.add_argument(
            "--nominations",
            type=int,
            default=DEFAULT_NOMINATIONS,
            help=(
                "Number of demo nominations, across both categories, all directions and all "
                f"three channels (default: {DEFAULT_NOMINATIONS})."
            ),
        )

    def handle(self, *args, **options):
        # The console speaks English; the demo's content is in both languages anyway.
        with translation.override("en"):
            self.seed(**options)

    def seed(self, *, stage, year, experts, nominations, **options):
        if stage not in STAGES:
            raise CommandError(
                f"Unknown or not yet available stage {stage!r}. "
                f"Available stages: {', '.join(STAGES)}."
            )
        if experts < 1:
            raise CommandError("--experts must be at least 1.")
        if nominations < 0:
            raise CommandError("--nominations cannot be negative.")
        year = year or timezone.localdate().year

        started = time.monotonic()
        with no_notifications():
            demo = build_demo(year=year, stage=stage, experts=experts, nominations=nominations)
        elapsed = time.monotonic() - started

        edition = demo.edition
        window = edition.current_stage(now=demo.now)
        zone = timezone.get_default_timezone()
        self.stdout.write(
            self.style.SUCCESS(f"Demo edition {edition.year} built in {elapsed:.1f} s: ")
            + f"{edition.name_en} / {edition.name_zh}"
        )
        if window is not None:
            self.stdout.write(
                f"Current stage: {Stage(window.stage).label} "
                f"({window.opens_at.astimezone(zone):%Y-%m-%d %H:%M} to "
                f"{window.closes_at.astimezone(zone):%Y-%m-%d %H:%M}, {zone.key})"
            )
        self.stdout.write(
            f"{len(demo.people.experts)} experts, {len(demo.people.nominators)} nominating "
            "organisations, 2 categories, 8 technical directions."
        )
        self.stdout.write(f"{edition.nominations.count()} nominations.")
        self.stdout.write("")
        self.write_logins(demo)
        self.write_teller_secrets(demo)

    def write_teller_secrets(self, demo):
        if not demo.teller_secrets:
            return
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo tellers"))
        if not settings.DEBUG:
            # A teller secret opens ballots: printed into a production console or log it
            # would be a ballot key lying about. Demo secrets are for a developer's machine.
            self.stdout.write(
                "  Teller secrets are not printed with DEBUG=0. Each teller makes a new "
                "secret on their teller page (/en/voting/teller/)."
            )
            return
        for email, secret in demo.teller_secrets.items():
            self.stdout.write(f"  {email}  {secret}")
        self.stdout.write(
            "Any two of these secrets, entered together on a closed round's count page, open "
            "its ballots. Demo secrets only: never print a real teller's secret."
        )

    def write_logins(self, demo):
        organiser = demo.people.organiser
        sections = [
            ("organiser", [(organiser.email, organiser.full_name)]),
            ("expert", [(e.user.email, f"{e.name_zh} {e.name_en}") for e in demo.people.experts]),
            ("nominator", [(u.email, str(u.organisation)) for u in demo.people.nominators]),
        ]
        width = max(
            len(email) for _role, people in sections for email, _ in people[:SHOWN_PER_ROLE]
        )
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        self.stdout.write(f"  {'role':<10} {'e-mail':<{width}}  name")
        for role, people in sections:
            for email, name in people[:SHOWN_PER_ROLE]:
                self.stdout.write(f"  {role:<10} {email:<{width}}  {name}")
            if len(people) > SHOWN_PER_ROLE:
                self.stdout.write(
                    f"  {'':<10} … and {len(people) - SHOWN_PER_ROLE} more {role}s (see the admin)"
                )
        self.stdout.write(f"Password for every demo account: {content.DEMO_PASSWORD}")
        self.stdout.write(
            "Sign in at /zh-hans/accounts/login/ or /en/accounts/login/; organisers run the "
            "edition at /zh-hans/admin/."
        )
