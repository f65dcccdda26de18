"""Print how well the assignment by expertise matches experts to fields, against direction only."""

import json

from django.core.management.base import BaseCommand, CommandError

from review.assignment import AssignmentInfeasible
from review.services.assignment import compare_with_direction_only
from submissions.models import Edition


class Command(BaseCommand):
    help = (
        "Solve the edition's assignment by expertise (direction, text, bids, fairness first) and "
        "by direction alone, without writing anything, and print one JSON line: for each "
        "('before' = direction alone, 'after' = by expertise) the share of assigned pairs whose "
        "text affinity is in the top quarter of the entry's candidates (top_quarter_share), the "
        "direction-match coverage and the entries with fewer than m experts who know the field."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="The edition's year (default: the current).")
        parser.add_argument("--per-entry", type=int, help="Default: the edition's setting.")

    def handle(self, *args, **options):
        if options["year"]:
            edition = Edition.objects.filter(year=options["year"]).first()
        else:
            edition = Edition.objects.current()
        if edition is None:
            raise CommandError("No such edition.")
        per_entry = options["per_entry"] or edition.reviewers_per_entry
        experts = edition.experts.count()
        per_entry = min(per_entry, max(experts - 1, 1))
        try:
            figures = compare_with_direction_only(edition=edition, per_entry=per_entry)
        except AssignmentInfeasible as infeasible:
            raise CommandError(f"The settings cannot be met: {infeasible}") from infeasible
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
