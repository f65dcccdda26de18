"""Recount the published ballot bulletin of a year and compare it with the published winners."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publication import services as publication
from voting import bulletin

HELP = """Recount the ballot bulletin of a published edition with voting/tally.py and compare the
winners with the published ones. Exit status 0 when they match (a JSON summary is printed), 1 with
the differences otherwise.

Without --file the bulletin is built by the same function that serves
/results/<year>/bulletin.json; with --file it is read from a JSON file (for example one downloaded
from the site). The recount needs nothing but the bulletin: for each round, a void round has fewer
ballots than ceil(quorum x eligible); an item passes when the ballots choosing it exceed threshold x
(ballots - recused); passing items win by approvals (Borda: quota - position points) up to the
quota, a tie across the quota line going to a run-off round; a category's winners are those of its
rounds that are not void, in order, less the winners the bulletin lists under "removals" (removed
after an upheld objection, with the reasons). With --results the published winners are read from a
results JSON file (/results/<year>.json) too, so the check needs the two public files alone. The
module docstring of voting/bulletin.py spells it out."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--file", type=Path, help="a bulletin JSON file to recount instead")
        parser.add_argument(
            "--results",
            type=Path,
            help="a results JSON file (/results/<year>.json) to read the published winners from",
        )

    def handle(
        self, *args, year: int, file: Path | None = None, results: Path | None = None, **options
    ):
        found = publication.published_edition(year)
        if found is None:
            raise CommandError(f"The results of {year} are not published.")
        edition, pub = found
        if file is not None:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {file}: {error}") from error
        else:
            data = publication.bulletin_data(edition)
        if data.get("year") != year:
            raise CommandError(f"The bulletin is of {data.get('year')}, not {year}.")
        if results is not None:
            try:
                results_json = json.loads(results.read_text(encoding="utf-8"))
                published = {
                    c["code"]: [w["code"] for w in c["winners"]] for c in results_json["categories"]
                }
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise CommandError(f"Cannot read {results}: {error!r}") from error
        else:
            published = publication.published_winners(edition, pub)
        try:
            # The removals come from the bulletin itself: a recount needs the public files only.
            removed = bulletin.removals(data)
            counted = bulletin.recount(data)
            problems = bulletin.differences(data, published, removed)
        except bulletin.BulletinError as error:
            problems, counted, removed = [f"the bulletin cannot be counted: {error}"], None, {}
        summary = {
            "year": year,
            "match": not problems,
            "rounds": len(data.get("rounds", [])),
            "ballots": sum(len(r.get("ballots", [])) for r in data.get("rounds", [])),
            "categories": [
                {
                    "code": code,
                    "recounted": (counted or {}).get("winners", {}).get(code, []),
                    "published": published.get(code, []),
                    "removed_after_objection": removed.get(code, []),
                }
                for code in sorted(published)
            ],
            "differences": problems,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
        if problems:
            sys.exit(1)
