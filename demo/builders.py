"""Builds the demo edition, stage by stage.

`STAGES` lists the demo stages in order. Each has a builder that takes the edition as the
previous stage left it and brings it to its own stage (collection adds nothing beyond the
edition; a formal-check builder would add submitted nominations, and so on), and the calendar
window that is open at that stage. `build_demo` runs every builder up to the one asked for.
A later issue adds a stage by appending to `STAGES`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from archives.models import EditionArchive
from publication.models import PublicDocument
from review.models import Review
from submissions import defaults
from submissions.models import Category, Direction, Edition, Nomination, StageWindow
from submissions.stages import Stage

from .nominations import build_collection_nominations, build_formal_check
from .people import DemoPeople, build_people
from .schedule import stage_calendar
from .scoring import build_review, build_shortlist
from .voting import build_published, build_voting, clear_voting


@dataclass
class DemoEdition:
    """What the builders share: the edition being built, its people and the options asked for."""

    edition: Edition
    people: DemoPeople
    nominations: int
    now: datetime
    # The stage the demo stops at: the last builder leaves some of its work to the person trying
    # the demo (the formal check, for one).
    stage: str = "collection"
    # Teller e-mail → the demo teller's secret (voting stages), printed by seed_demo with DEBUG.
    teller_secrets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStage:
    name: str
    calendar_stage: Stage  # the calendar window that contains "now" at this demo stage
    build: Callable[[DemoEdition], None]


def build_collection(demo: DemoEdition) -> None:
    """Collection is open: the edition, its calendar, categories, directions and people
    (`build_edition` made them), and the nominations collected so far."""
    build_collection_nominations(demo)


STAGES: dict[str, DemoStage] = {
    stage.name: stage
    for stage in [
        DemoStage("collection", Stage.COLLECTION, build_collection),
        DemoStage("formal_check", Stage.FORMAL_CHECK, build_formal_check),
        DemoStage("review", Stage.PRELIMINARY, build_review),
        DemoStage("shortlist", Stage.DEFENCE, build_shortlist),
        DemoStage("voting", Stage.FINAL, build_voting),
        DemoStage("published", Stage.RELEASE, build_published),
    ]
}


class UnknownStage(ValueError):
    pass


def _clear_stored_outputs(year: int) -> None:
    """The year's public PDFs (rendered after publication) and archives, rows and files: they
    protect the edition too, and their files would otherwise stay behind in the store. The
    files go once the rows' removal commits: a seed that fails later rolls the rows back, and
    they still find their files."""
    for model in (PublicDocument, EditionArchive):
        rows = model.objects.filter(edition__year=year)
        files = [row.file for row in rows.exclude(file="")]
        rows.delete()
        transaction.on_commit(partial(_delete_files, files))


def _delete_files(files) -> None:
    for file in files:
        file.delete(save=False)


def build_edition(*, year: int, calendar_stage: Stage, expert_count: int, now: datetime):
    """The edition for `year`, rebuilt from scratch and made the only current one."""
    # Nominations protect their edition from deletion by accident, and reviews their
    # assignments; here it is on purpose.
    Review.objects.filter(assignment__nomination__edition__year=year).delete()
    clear_voting(year)
    _clear_stored_outputs(year)
    Nomination.objects.filter(edition__year=year).delete()
    Edition.objects.filter(year=year).delete()
    Edition.objects.filter(is_current=True).update(is_current=False)
    name_zh, name_en = defaults.edition_names(year)
    edition = Edition.objects.create(
        year=year,
        name_zh=name_zh,
        name_en=name_en,
        is_current=True,
        committee_size=expert_count,
    )
    StageWindow.objects.bulk_create(
        StageWindow(edition=edition, stage=stage, opens_at=opens_at, closes_at=closes_at)
        for stage, opens_at, closes_at in stage_calendar(current=calendar_stage, now=now)
    )
    Category.objects.bulk_create(
        Category(
            edition=edition,
            code=category.code,
            name_zh=category.name_zh,
            name_en=category.name_en,
            criteria_zh=category.criteria_zh,
            criteria_en=category.criteria_en,
            winners_quota=category.winners_quota,
            shortlist_size=category.shortlist_size,
        )
        for category in defaults.CATEGORIES
    )
    Direction.objects.bulk_create(
        Direction(
            edition=edition,
            code=direction.code,
            name_zh=direction.name_zh,
            name_en=direction.name_en,
            position=position,
        )
        for position, direction in enumerate(defaults.DIRECTIONS, start=1)
    )
    return edition


def build_demo(
    *,
    year: int,
    stage: str = "collection",
    experts: int = defaults.COMMITTEE_SIZE,
    nominations: int = 0,
    now: datetime | None = None,
) -> DemoEdition:
    """Build the demo edition for `year` at `stage`, replacing any edition of that year."""
    if stage not in STAGES:
        raise UnknownStage(stage)
    now = now or timezone.now()
    names = list(STAGES)
    with transaction.atomic():
        edition = build_edition(
            year=year,
            calendar_stage=STAGES[stage].calendar_stage,
            expert_count=experts,
            now=now,
        )
        people = build_people(edition=edition, expert_count=experts)
        demo = DemoEdition(
            edition=edition, people=people, nominations=nominations, now=now, stage=stage
        )
        for name in names[: names.index(stage) + 1]:
            STAGES[name].build(demo)
    return demo
