"""The secretariat's pages of the preliminary evaluation: committee, conflicts, assignment.

Thin views: the permission (anyone but an organiser gets a 404, so the pages do not announce
themselves), a form, one service call, a response.
"""

from functools import wraps

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from core.i18n import localized
from submissions.models import Nomination
from submissions.queries import current_edition_or_404

from .. import queries
from ..assignment_data import reason_message
from ..conflicts import automatic_reason, parse_reason
from ..forms import (
    PAIR_RULE_KINDS,
    AssignmentRunForm,
    ConflictForm,
    PairActionForm,
    RosterUploadForm,
)
from ..models import Assignment, AssignmentRun, Conflict, Expert, PairRule
from ..roster import RosterFileError, RosterRow, error_message, parse_roster, read_table
from ..services import (
    ReviewError,
    add_conflict,
    assign_by_hand,
    clear_pair_rule,
    import_committee,
    invite_experts,
    refresh_automatic_conflicts,
    remove_conflict,
    set_pair_rule,
    start_assignment_run,
    swap_assignment,
    unassign,
)

IMPORT_SESSION_KEY = "review.committee_import"


def with_current_edition(view):
    """Hand the view the current edition as its first argument; 404 when there is none."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, current_edition_or_404(), *args, **kwargs)

    return wrapper


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --- Committee ------------------------------------------------------------------------------


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
def committee_list(request, edition):
    experts = list(queries.committee(edition))
    counts = {
        "total": len(experts),
        "accepted": sum(1 for e in experts if e.accepted_at),
        "invited": sum(1 for e in experts if e.invited_at and not e.accepted_at),
        "not_invited": sum(1 for e in experts if not e.invited_at and not e.accepted_at),
    }
    return render(
        request,
        "review/committee_list.html",
        {"edition": edition, "experts": experts, "counts": counts},
    )


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def committee_import(request, edition):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), upload.name)
        except RosterFileError as error:
            form.add_error("file", str(error))
        else:
            emails = {row.get("email", "").strip().lower() for row in table}
            existing = set(
                Expert.objects.filter(edition=edition, user__email__in=emails).values_list(
                    "user__email", flat=True
                )
            )
            directions = list(edition.directions.values_list("pk", "code", "name_zh", "name_en"))
            rows = parse_roster(table, directions=directions, existing_emails=existing)
            request.session[IMPORT_SESSION_KEY] = {
                "edition": edition.pk,
                "file": upload.name,
                "rows": [row.to_json() for row in rows],
            }
            return redirect("review:committee_import_preview")
    return render(request, "review/committee_import.html", {"edition": edition, "form": form})


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def committee_import_preview(request, edition):
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("edition") != edition.pk:
        messages.info(request, _("Upload a roster first."))
        return redirect("review:committee_import")
    rows = [RosterRow.from_json(data) for data in stored["rows"]]
    if request.method == "POST":
        if "cancel" in request.POST:
            del request.session[IMPORT_SESSION_KEY]
            messages.info(request, _("The import was cancelled; nothing was changed."))
            return redirect("review:committee_list")
        result = import_committee(edition=edition, rows=rows, actor=request.user)
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request,
            _("Committee imported: %(created)s experts added, %(updated)s updated.") % result,
        )
        return redirect("review:committee_list")
    directions = {d.pk: d for d in edition.directions.all()}
    preview = [
        {
            "row": row,
            "errors": [error_message(error) for error in row.errors],
            "directions": [directions[pk] for pk in row.direction_ids if pk in directions],
        }
        for row in rows
    ]
    good = sum(1 for row in rows if row.ok)
    return render(
        request,
        "review/committee_import_preview.html",
        {
            "edition": edition,
            "file_name": stored.get("file", ""),
            "preview": preview,
            "good": good,
            "bad": len(rows) - good,
        },
    )


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_POST
def committee_invite(request, edition):
    experts = Expert.objects.filter(edition=edition, accepted_at__isnull=True).select_related(
        "user"
    )
    ids = [value for value in request.POST.getlist("expert") if value.isdigit()]
    experts = experts.filter(pk__in=ids) if ids else experts.filter(invited_at__isnull=True)
    sent = invite_experts(experts=list(experts), actor=request.user, base_url=_base_url(request))
    if sent:
        messages.success(request, _("Invitations sent: %(count)s.") % {"count": sent})
    else:
        messages.info(request, _("There was nobody to invite."))
    return redirect("review:committee_list")


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def committee_detail(request, edition, expert_id):
    expert = get_object_or_404(
        Expert.objects.select_related("user", "organisation").prefetch_related("directions"),
        pk=expert_id,
        edition=edition,
    )
    form = ConflictForm(request.POST or None, nominations=queries.declarable_nominations(edition))
    if request.method == "POST" and form.is_valid():
        nomination = form.cleaned_data["nomination"]
        was_assigned = _is_assigned(expert, nomination)
        try:
            add_conflict(
                expert=expert,
                nomination=nomination,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            _conflict_recorded(request, expert, nomination, was_assigned)
            return redirect("review:committee_detail", expert_id=expert.pk)
    conflicts = list(queries.conflicts_of_expert(expert))
    assignments = list(
        Assignment.objects.filter(expert=expert)
        .select_related("nomination")
        .order_by("nomination__code")
    )
    return render(
        request,
        "review/committee_detail.html",
        {
            "edition": edition,
            "expert": expert,
            "conflicts": _with_reasons(conflicts),
            "assignments": assignments,
            "form": form,
        },
    )


# --- Conflicts ------------------------------------------------------------------------------


def _is_assigned(expert: Expert, nomination: Nomination) -> bool:
    return Assignment.objects.filter(expert=expert, nomination=nomination).exists()


def _conflict_recorded(request, expert, nomination, was_assigned: bool) -> None:
    messages.success(request, _("The conflict was recorded."))
    if was_assigned:
        # The service removed the assignment (the database refuses a conflicted one): say so.
        messages.warning(
            request,
            _(
                "%(expert)s was assigned to %(code)s: the assignment was removed, with any "
                "review begun on it (its scores are kept in the audit trail). Assign another "
                "expert or run the assignment again."
            )
            % {"expert": localized(expert, "name"), "code": nomination.code},
        )


def _with_reasons(conflicts: list[Conflict]) -> list[dict]:
    """Each conflict with its reason as sentences in the reader's language."""
    rows = []
    for conflict in conflicts:
        if conflict.source == Conflict.Source.AUTOMATIC:
            reasons = [
                automatic_reason(kind, detail) for kind, detail in parse_reason(conflict.reason)
            ]
        else:
            reasons = [conflict.reason]
        rows.append({"conflict": conflict, "reasons": reasons})
    return rows


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
def conflict_list(request, edition):
    conflicts = list(queries.edition_conflicts(edition))
    by_source = {source: 0 for source, _label in Conflict.Source.choices}
    for conflict in conflicts:
        by_source[conflict.source] += 1
    return render(
        request,
        "review/conflict_list.html",
        {
            "edition": edition,
            "conflicts": _with_reasons(conflicts),
            "by_source": [(label, by_source[source]) for source, label in Conflict.Source.choices],
        },
    )


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_POST
def conflicts_refresh(request, edition):
    result = refresh_automatic_conflicts(edition=edition, actor=request.user)
    messages.success(
        request,
        _(
            "Automatic conflicts refreshed: %(total)s in all, %(created)s new, %(removed)s "
            "no longer apply."
        )
        % result,
    )
    if result["assignments_removed"]:
        messages.warning(
            request,
            _(
                "%(count)s assignments were removed because of new conflicts; run the "
                "assignment again."
            )
            % {"count": result["assignments_removed"]},
        )
    return redirect("review:conflict_list")


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def conflict_nomination(request, edition, code):
    nomination = get_object_or_404(Nomination, edition=edition, code=code)
    form = ConflictForm(
        request.POST or None, experts=Expert.objects.filter(edition=edition).order_by("name_en")
    )
    if request.method == "POST" and form.is_valid():
        expert = form.cleaned_data["expert"]
        was_assigned = _is_assigned(expert, nomination)
        try:
            add_conflict(
                expert=expert,
                nomination=nomination,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            _conflict_recorded(request, expert, nomination, was_assigned)
            return redirect("review:conflict_nomination", code=nomination.code)
    return render(
        request,
        "review/conflict_nomination.html",
        {
            "edition": edition,
            "nomination": nomination,
            "conflicts": _with_reasons(list(queries.conflicts_of_nomination(nomination))),
            "form": form,
        },
    )


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_POST
def conflict_delete(request, edition, conflict_id):
    conflict = get_object_or_404(
        Conflict.objects.select_related("nomination"), pk=conflict_id, nomination__edition=edition
    )
    try:
        remove_conflict(conflict=conflict, actor=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The conflict was removed."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("review:conflict_list")


# --- Assignment -----------------------------------------------------------------------------


def _run_context(run: AssignmentRun | None) -> dict:
    if run is None:
        return {"run": None}
    reasons = [reason_message(reason) for reason in run.summary.get("reasons", [])]
    return {"run": run, "reasons": reasons}


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def assignment_overview(request, edition):
    form = AssignmentRunForm(
        request.POST or None, initial={"per_entry": edition.reviewers_per_entry}
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = start_assignment_run(
                edition=edition,
                per_entry=form.cleaned_data["per_entry"],
                min_load=form.cleaned_data["min_load"],
                max_load=form.cleaned_data["max_load"],
                actor=request.user,
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            return redirect(f"{request.path}?run={run.pk}")
    run = None
    run_id = request.GET.get("run", "")
    runs = AssignmentRun.objects.filter(edition=edition).select_related("started_by")
    if run_id.isdigit():
        run = runs.filter(pk=run_id).first()
    if run is None:
        run = runs.first()
    table = queries.assignment_table(edition)
    return render(
        request,
        "review/assignment_table.html",
        {"edition": edition, "form": form, "table": table, **_run_context(run)},
    )


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
def assignment_run_status(request, edition, run_id):
    run = get_object_or_404(AssignmentRun, pk=run_id, edition=edition)
    return render(request, "review/assignment_run_status.html", _run_context(run))


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def assignment_pair(request, edition, code, expert_id):
    nomination = get_object_or_404(Nomination, edition=edition, code=code)
    expert = get_object_or_404(Expert, pk=expert_id, edition=edition)
    others = Expert.objects.filter(edition=edition).exclude(pk=expert.pk).order_by("name_en")
    form = PairActionForm(request.POST or None, experts=others)
    assignment = Assignment.objects.filter(expert=expert, nomination=nomination).first()
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        try:
            if action in PAIR_RULE_KINDS:
                set_pair_rule(
                    expert=expert,
                    nomination=nomination,
                    kind=PAIR_RULE_KINDS[action],
                    actor=request.user,
                )
                message = _("The rule is saved; it takes effect when you run the assignment.")
            elif action == "clear":
                clear_pair_rule(expert=expert, nomination=nomination, actor=request.user)
                message = _("The rule is cleared.")
            elif action == "assign":
                assign_by_hand(expert=expert, nomination=nomination, actor=request.user)
                message = _("The expert is assigned to the entry.")
            elif action == "unassign":
                if assignment is None:
                    raise ReviewError(_("The expert is not assigned to this entry."))
                unassign(assignment=assignment, actor=request.user)
                message = _("The assignment is removed.")
            else:
                if assignment is None:
                    raise ReviewError(_("The expert is not assigned to this entry."))
                new_expert = form.cleaned_data["new_expert"]
                swap_assignment(assignment=assignment, new_expert=new_expert, actor=request.user)
                message = _("The entry now goes to %(expert)s.") % {
                    "expert": localized(new_expert, "name")
                }
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, message)
            return redirect("review:assignment_overview")
    conflicts = list(Conflict.objects.filter(expert=expert, nomination=nomination))
    rule = PairRule.objects.filter(expert=expert, nomination=nomination).first()
    conflicted = queries.conflicted_expert_ids(nomination)
    assigned = set(
        Assignment.objects.filter(nomination=nomination).values_list("expert_id", flat=True)
    )
    candidates = [
        {"expert": other, "conflicted": other.pk in conflicted}
        for other in others.annotate(load=Count("assignments"))
        if other.pk not in assigned
    ]
    return render(
        request,
        "review/assignment_pair.html",
        {
            "edition": edition,
            "nomination": nomination,
            "expert": expert,
            "assignment": assignment,
            "started": bool(assignment and hasattr(assignment, "review")),
            "conflicts": _with_reasons(conflicts),
            "rule": rule,
            "form": form,
            "load": Assignment.objects.filter(expert=expert).count(),
            "candidates": candidates,
            "why": queries.pair_explanation(edition, nomination, expert),
        },
    )
