"""The formal check (形式审查): the organisers' checklist, decisions, queue and exports.

Every decision goes through `submissions.services.transition` (which locks the row, writes the
timeline and the audit trail, and queues the e-mail in the nominator's language after commit)
and records a `FormalCheck` row with the checklist as the organiser confirmed it.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.i18n import localized
from core.services import record_event
from core.spreadsheets import append_as_text, csv_safe_rows

from .completeness import maturity_warnings, missing_items
from .models import Attachment, Declaration, Edition, FormalCheck, Nomination
from .services import NominationError, transition
from .states import Channel, NominationState

Decision = FormalCheck.Decision

# The checklist, in the order the page shows it. Each item is prefilled from the data; the
# organiser confirms or corrects it, and the confirmed list is stored with the decision.
CHECKLIST = (
    ("materials_complete", gettext_lazy("Materials complete")),
    ("stamped_form", gettext_lazy("Stamped recommendation form present")),
    ("category_fits", gettext_lazy("Category fits the maturity of the technology")),
    ("declarations_made", gettext_lazy("Declarations made")),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)

# States a nomination passes through in the formal check; the queue shows these.
QUEUE_STATES = (
    NominationState.SUBMITTED,
    NominationState.RETURNED,
    NominationState.ELIGIBLE,
    NominationState.INELIGIBLE,
)
# Bulk decisions: only those that need no individual reason.
BULK_DECISIONS = (Decision.ELIGIBLE, Decision.RETURNED)


class FormalCheckError(NominationError):
    """A decision that cannot be taken as asked (message already translated)."""


# --- Checklist ------------------------------------------------------------------------------


def _current_kinds(nomination: Nomination) -> set[str]:
    # .all() so a caller's prefetch_related("attachments") serves it.
    return {
        attachment.kind
        for attachment in nomination.attachments.all()
        if attachment.is_current and (attachment.file or attachment.video_url)
    }


def prefilled_checklist(nomination: Nomination) -> dict[str, bool]:
    """What the data says about each checklist item (the organiser confirms it)."""
    declared = {declaration.kind for declaration in nomination.declarations.all()}
    return {
        "materials_complete": not missing_items(nomination),
        "stamped_form": Attachment.Kind.RECOMMENDATION_FORM in _current_kinds(nomination),
        "category_fits": not maturity_warnings(
            nomination.category.code, nomination.trl, nomination.application_status
        ),
        "declarations_made": set(Declaration.Kind.values) <= declared,
    }


# --- Decisions ------------------------------------------------------------------------------


def _validate(decision: str, reason: str, correction_deadline: datetime | None, now) -> None:
    if decision not in Decision.values:
        raise FormalCheckError(_("Unknown decision."))
    if decision in (Decision.INELIGIBLE, Decision.RETURNED) and not reason.strip():
        raise FormalCheckError(_("Give the reason for this decision; the nominator will read it."))
    if decision == Decision.RETURNED:
        if correction_deadline is None:
            raise FormalCheckError(_("Set a correction deadline."))
        if correction_deadline <= now:
            raise FormalCheckError(_("The correction deadline must be in the future."))


def decide(
    *,
    nomination: Nomination,
    decision: str,
    actor,
    reason: str = "",
    correction_deadline: datetime | None = None,
    checklist: dict[str, bool] | None = None,
    now: datetime | None = None,
) -> FormalCheck:
    """Record the organiser's formal-check decision on one submitted nomination.

    Eligible, ineligible (with a reason) or returned for correction (with reasons and a
    deadline). One transaction: the transition, the FormalCheck row and the audit event.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    _validate(decision, reason, correction_deadline, now)
    if decision != Decision.RETURNED:
        correction_deadline = None
    checklist = {key: bool((checklist or {}).get(key)) for key in CHECKLIST_KEYS}
    with transaction.atomic():
        # The state the decision moves to has the decision's name.
        nomination = transition(
            nomination=nomination,
            to_state=decision,
            actor=actor,
            reason=reason,
            correction_deadline=correction_deadline,
        )
        check = FormalCheck.objects.create(
            nomination=nomination,
            checklist=checklist,
            decision=decision,
            reason=reason,
            correction_deadline=correction_deadline,
            decided_by=actor,
            decided_at=now,
        )
        record_event(
            actor=actor,
            action="nomination.formal_check",
            obj=nomination,
            details={
                "decision": decision,
                "reason": reason,
                "checklist": checklist,
                "correction_deadline": correction_deadline.isoformat()
                if correction_deadline
                else None,
            },
        )
    return check


@dataclass
class BulkResult:
    decided: list[Nomination]
    skipped: list[Nomination]


def decide_many(
    *,
    nominations: Iterable[Nomination],
    decision: str,
    actor,
    reason: str = "",
    correction_deadline: datetime | None = None,
) -> BulkResult:
    """The same decision for several nominations, all or none.

    Only nominations still awaiting the check (submitted) are decided; the others are reported
    as skipped, never changed. Each decided one gets its own FormalCheck row, audit event and
    e-mail, exactly as if decided one by one; the checklist is prefilled from the data.
    """
    if decision not in BULK_DECISIONS:
        raise FormalCheckError(_("Only eligible and returned can be decided for several at once."))
    now = timezone.now()
    _validate(decision, (reason or "").strip(), correction_deadline, now)
    ids = [nomination.pk for nomination in nominations]
    result = BulkResult(decided=[], skipped=[])
    with transaction.atomic():
        rows = (
            Nomination.objects.filter(pk__in=ids)
            .select_related("category")
            .prefetch_related("attachments", "declarations")
            .order_by("code")
        )
        for nomination in rows:
            if nomination.state != NominationState.SUBMITTED:
                result.skipped.append(nomination)
                continue
            decide(
                nomination=nomination,
                decision=decision,
                actor=actor,
                reason=reason,
                correction_deadline=correction_deadline,
                checklist=prefilled_checklist(nomination),
                now=now,
            )
            result.decided.append(nomination)
    return result


# --- The queue ------------------------------------------------------------------------------


def completeness_condition() -> Q:
    """In SQL, what `completeness.missing_items` checks: all texts, materials, declarations."""
    current = Attachment.objects.filter(nomination=OuterRef("pk"), is_current=True).exclude(
        file="", video_url=""
    )
    condition = Q(direction__isnull=False, trl__isnull=False) & ~Q(application_status="")
    for field in ("title", "summary"):
        condition &= ~Q(**{f"{field}_zh": ""}) & ~Q(**{f"{field}_en": ""})
    for field in ("description", "innovations", "indicators", "application"):
        condition &= ~Q(**{f"{field}_zh": ""}) | ~Q(**{f"{field}_en": ""})
    for kind in (Attachment.Kind.RECOMMENDATION_FORM, Attachment.Kind.TECHNICAL_REPORT):
        condition &= Exists(current.filter(kind=kind))
    for kind in Declaration.Kind.values:
        condition &= Exists(Declaration.objects.filter(nomination=OuterRef("pk"), kind=kind))
    return condition


@dataclass(frozen=True)
class QueueFilters:
    category: str = ""
    direction: str = ""
    channel: str = ""
    state: str = NominationState.SUBMITTED
    completeness: str = ""  # "", "complete", "incomplete"
    search: str = ""

    ALL = "all"

    @classmethod
    def from_query(cls, query) -> "QueueFilters":
        state = query.get("state", NominationState.SUBMITTED)
        if state != cls.ALL and state not in QUEUE_STATES:
            state = NominationState.SUBMITTED
        completeness = query.get("completeness", "")
        channel = query.get("channel", "")
        return cls(
            category=query.get("category", "")[:20],
            direction=query.get("direction", "")[:40],
            channel=channel if channel in Channel.values else "",
            state=state,
            completeness=completeness if completeness in ("complete", "incomplete") else "",
            search=query.get("q", "").strip()[:100],
        )

    def as_query(self) -> dict[str, str]:
        values = {
            "category": self.category,
            "direction": self.direction,
            "channel": self.channel,
            "state": self.state,
            "completeness": self.completeness,
            "q": self.search,
        }
        return {key: value for key, value in values.items() if value}


def state_counts(edition: Edition) -> dict[str, int]:
    """How many of the edition's nominations are in each state of the queue (one query), for
    the filter to say where they are when the default view, those awaiting the check, is empty."""
    counts = dict.fromkeys(QUEUE_STATES, 0)
    rows = (
        Nomination.objects.filter(edition=edition, state__in=QUEUE_STATES)
        .values_list("state")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def queue(edition: Edition, filters: QueueFilters) -> QuerySet[Nomination]:
    """The formal-check queue of one edition, filtered, with what each row shows joined once."""
    queryset = (
        Nomination.objects.filter(edition=edition)
        .select_related("category", "direction", "organisation", "edition")
        .prefetch_related("attachments", "declarations")
        .order_by("code")
    )
    if filters.state == QueueFilters.ALL:
        queryset = queryset.filter(state__in=QUEUE_STATES)
    else:
        queryset = queryset.filter(state=filters.state)
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.direction:
        queryset = queryset.filter(direction__code=filters.direction)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.completeness == "complete":
        queryset = queryset.filter(completeness_condition())
    elif filters.completeness == "incomplete":
        queryset = queryset.exclude(completeness_condition())
    if filters.search:
        term = filters.search
        queryset = queryset.filter(
            Q(code__icontains=term)
            | Q(title_zh__icontains=term)
            | Q(title_en__icontains=term)
            | Q(organisation__name_zh__icontains=term)
            | Q(organisation__name_en__icontains=term)
        )
    return queryset


# --- Exports --------------------------------------------------------------------------------


def export_header() -> list[str]:
    return [
        _("Number"),
        _("Channel"),
        _("Category"),
        _("Technical direction"),
        _("Title (Chinese)"),
        _("Title (English)"),
        _("Nominating organisation (Chinese)"),
        _("Nominating organisation (English)"),
        _("TRL"),
        _("State"),
        _("Complete"),
        _("Submitted (Beijing time)"),
        _("Reasons for return"),
        _("Correction deadline (Beijing time)"),
    ]


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


def export_rows(nominations: Iterable[Nomination]) -> list[list]:
    rows = []
    for nomination in nominations:
        rows.append(
            [
                nomination.code,
                str(nomination.get_channel_display()),
                localized(nomination.category, "name"),
                localized(nomination.direction, "name") if nomination.direction else "",
                nomination.title_zh,
                nomination.title_en,
                nomination.organisation.name_zh,
                nomination.organisation.name_en,
                nomination.trl or "",
                str(nomination.get_state_display()),
                _("yes") if not missing_items(nomination) else _("no"),
                _local(nomination.submitted_at),
                nomination.return_reasons if nomination.state == NominationState.RETURNED else "",
                _local(nomination.correction_deadline)
                if nomination.state == NominationState.RETURNED
                else "",
            ]
        )
    return rows


def export_csv(nominations: Iterable[Nomination]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export_header())
    # Texts from nominators are kept from being read as formulas (core/spreadsheets.py).
    writer.writerows(csv_safe_rows(export_rows(nominations)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(nominations: Iterable[Nomination]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Formal check")[:31]
    sheet.append(export_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(nominations):
        append_as_text(sheet, row)  # text from nominators never becomes a formula
    sheet.freeze_panes = "A2"
    widths = (14, 22, 18, 22, 36, 44, 30, 40, 6, 22, 10, 20, 40, 20)
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
