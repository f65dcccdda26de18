"""Render the public PDFs (results book, certificates) of published editions again."""

from django.core.management.base import BaseCommand, CommandError

from publication.documents import render_published
from submissions.models import Edition

HELP = """Render again and store the public results book and the winners' certificates of every
published edition (or of --year only), recording each file's size and SHA-256. Run it after a
change to the PDF layout (publication/pdf.py) or to the font: the public pages serve the stored
files and never render them themselves, except once when a stored file is missing."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only this edition")

    def handle(self, *args, year: int | None = None, **options):
        editions = Edition.objects.filter(publication__published_at__isnull=False).order_by("year")
        if year is not None:
            editions = editions.filter(year=year)
            if not editions.exists():
                raise CommandError(f"No published edition of {year}.")
        for edition in editions:
            documents = render_published(edition)
            size = sum(d.size for d in documents)
            self.stdout.write(f"{edition.year}: {len(documents)} documents, {size} bytes")
