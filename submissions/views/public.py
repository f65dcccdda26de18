"""Pages anyone can read: the call, criteria, channels, calendar, FAQ, contact.

Each page reads the current edition once, with the rows it shows prefetched (one query per
relation), so a page costs the same number of queries however many stages or directions the
edition has.
"""

from dataclasses import dataclass
from datetime import datetime

from django.shortcuts import render
from django.utils import timezone

from core.page_cache import cache_public_page

from ..models import Category, Edition, StageWindow
from ..stages import Stage


@dataclass(frozen=True)
class CalendarRow:
    """One stage window as the public calendar shows it: done, current or upcoming."""

    window: StageWindow
    status: str  # "done" | "current" | "upcoming"

    @property
    def is_current(self) -> bool:
        return self.status == "current"


@dataclass(frozen=True)
class CategoryCard:
    """A category of the selection: its fixed description, plus the edition's row if any."""

    code: str
    label: str
    category: Category | None


def _current_edition(*relations: str) -> Edition | None:
    return Edition.objects.prefetch_related(*relations).current()


def _calendar(edition: Edition | None, now: datetime) -> list[CalendarRow]:
    if edition is None:
        return []
    rows = []
    for window in edition.stage_windows.all():
        if window.closes_at <= now:
            status = "done"
        elif window.opens_at <= now:
            status = "current"
        else:
            status = "upcoming"
        rows.append(CalendarRow(window=window, status=status))
    return rows


def _category_cards(edition: Edition | None) -> list[CategoryCard]:
    """Both categories in a fixed order, whether or not the edition has set them up yet."""
    by_code = {category.code: category for category in edition.categories.all()} if edition else {}
    return [
        CategoryCard(code=code, label=label, category=by_code.get(code))
        for code, label in Category.Code.choices
    ]


def _current_row(rows: list[CalendarRow]) -> CalendarRow | None:
    return next((row for row in rows if row.is_current), None)


@cache_public_page(60)
def home(request):
    edition = _current_edition("stage_windows", "categories")
    rows = _calendar(edition, timezone.now())
    return render(
        request,
        "submissions/public_home.html",
        {
            "edition": edition,
            "calendar": rows,
            "current_row": _current_row(rows),
            "category_cards": _category_cards(edition),
            "page": "home",
        },
    )


def criteria(request):
    edition = _current_edition("categories", "directions")
    return render(
        request,
        "submissions/public_criteria.html",
        {
            "edition": edition,
            "category_cards": _category_cards(edition),
            "directions": list(edition.directions.all()) if edition else [],
            "page": "criteria",
        },
    )


def channels(request):
    return render(request, "submissions/public_channels.html", {"page": "channels"})


def calendar(request):
    edition = _current_edition("stage_windows")
    rows = _calendar(edition, timezone.now())
    return render(
        request,
        "submissions/public_calendar.html",
        {
            "edition": edition,
            "calendar": rows,
            "current_row": _current_row(rows),
            "page": "calendar",
        },
    )


def faq(request):
    edition = _current_edition("stage_windows")
    release = None
    if edition is not None:
        release = next((w for w in edition.stage_windows.all() if w.stage == Stage.RELEASE), None)
    return render(
        request,
        "submissions/public_faq.html",
        {"edition": edition, "release_window": release, "page": "faq"},
    )


def contact(request):
    return render(request, "submissions/public_contact.html", {"page": "contact"})
