"""Count the closed ballot rounds of a category and print the result as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from submissions.models import Category, Edition
from voting import queries, tally
from voting.models import BallotRound, RoundState

HELP = """Count every closed, certified or void ballot round of one category of an edition with
voting/tally.py (the same pure count the portal uses when a round closes) and print one JSON
object: {"year", "category", "rounds": [{"number", "state", "method", "quota", "result"}]}.
Open rounds are refused: nobody sees a partial count before the close."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--category", required=True, choices=[code for code, _label in Category.Code.choices]
        )

    def handle(self, *args, year: int, category: str, **options):
        edition = Edition.objects.filter(year=year).first()
        if edition is None:
            raise CommandError(f"There is no edition {year}.")
        found = Category.objects.filter(edition=edition, code=category).first()
        if found is None:
            raise CommandError(f"Edition {year} has no category {category}.")
        rounds = list(BallotRound.objects.filter(category=found).order_by("number", "pk"))
        if any(r.state == RoundState.OPEN for r in rounds):
            raise CommandError(
                "A round of this category is still open: it is counted when it closes."
            )
        if any(r.state == RoundState.AWAITING_COUNT for r in rounds):
            raise CommandError(
                "A round of this category is closed and awaits its count: two of its tellers "
                "count it on its count page."
            )
        counted = [
            r
            for r in rounds
            if r.state in (RoundState.CLOSED, RoundState.CERTIFIED, RoundState.VOID)
        ]
        report = {
            "year": year,
            "category": category,
            "rounds": [
                {
                    "number": r.number,
                    "state": r.state,
                    "method": r.method,
                    "quota": r.quota,
                    "result": tally.tally(
                        queries.round_rules(r, with_recused=True), queries.ballots_for_count(r)
                    ).as_dict(),
                }
                for r in counted
            ],
        }
        self.stdout.write(json.dumps(report, ensure_ascii=False))
