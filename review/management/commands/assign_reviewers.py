"""Assign reviewers to the eligible entries of an edition and print one JSON summary line."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from review.services import AssignmentNotPossible, assign_reviewers
from submissions.models import Edition


class Command(BaseCommand):
    help = (
        "Assign k experts to each eligible entry of the open and secretariat channels, "
        "optimally (loads balanced within one unless bounds are given), and print one JSON line: "
        "coverage, per_entry, load_min, load_max, mean_affinity, objective, bound, "
        "conflicts_assigned, entries, experts, seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="The edition's year (default: the current).")
        parser.add_argument(
            "--per-entry",
            type=int,
            help="Experts per entry (default: the edition's setting).",
        )
        parser.add_argument("--min-load", type=int, default=None)
        parser.add_argument("--max-load", type=int, default=None)
        parser.add_argument(
            "--language", default="en", help="Language of error explanations (en or zh-hans)."
        )

    def handle(self, *args, **options):
        translation.activate(options["language"])
        if options["year"]:
            edition = Edition.objects.filter(year=options["year"]).first()
        else:
            edition = Edition.objects.current()
        if edition is None:
            raise CommandError("No such edition.")
        per_entry = options["per_entry"] or edition.reviewers_per_entry
        if per_entry < 1:
            raise CommandError("--per-entry must be at least 1.")
        try:
            summary = assign_reviewers(
                edition=edition,
                per_entry=per_entry,
                actor=None,
                min_load=options["min_load"],
                max_load=options["max_load"],
            )
        except AssignmentNotPossible as refused:
            self.stdout.write(
                json.dumps(
                    {"error": "infeasible", "reasons": refused.reasons, "message": refused.message},
                    ensure_ascii=False,
                )
            )
            raise CommandError(refused.message) from refused
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
