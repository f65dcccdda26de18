"""The secretariat's pages: the formal-check queue, checklist and decisions, exports, and the
secretariat's own recommendations (on an organisation's behalf, or by invitation).

Organisers only: anyone else signed in gets 404 (the pages' existence does not leak), anyone
signed out is sent to sign in.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from core.i18n import join_items

from .. import formal_check, snapshots
from ..completeness import (
    TEXT_FIELDS,
    TEXT_LABELS,
    maturity_messages,
    maturity_warnings,
    missing_items,
)
from ..forms import NominationForm, part_formsets, part_rows
from ..models import (
    Attachment,
    Category,
    Edition,
    FormalCheck,
    Invitation,
    Nomination,
    NominationSnapshot,
    StateChange,
)
from ..organiser_forms import (
    BulkDecisionForm,
    DecisionForm,
    InvitationForm,
    SecretariatNominationForm,
)
from ..queries import current_edition_or_404
from ..recommendations import (
    create_secretariat_nomination,
    find_or_create_organisation,
    invite_organisation,
)
from ..rules import can_edit_nomination
from ..services import (
    IncompleteNomination,
    submit_nomination,
)
from ..states import Channel, NominationState

PAGE_SIZE = 25


# --- The queue ------------------------------------------------------------------------------


def _queue_url(filters: formal_check.QueueFilters, **extra) -> str:
    query = {**filters.as_query(), **extra}
    url = reverse("submissions:formalcheck_queue")
    return f"{url}?{urlencode(query)}" if query else url


@permission_required_or_404("submissions.run_formal_check")
@require_GET
def formalcheck_queue(request):
    edition = current_edition_or_404()
    filters = formal_check.QueueFilters.from_query(request.GET)
    return _queue_page(request, edition, filters, page_number=request.GET.get("page"))


def _queue_page(request, edition, filters, *, page_number, bulk_form=None, status=200):
    """The queue's page; after a refused bulk decision, with that form bound (its errors
    beside its fields, what was chosen and typed kept) and the nominations it named ticked."""
    paginator = Paginator(formal_check.queue(edition, filters), PAGE_SIZE)
    page = paginator.get_page(page_number)
    rows = [
        {
            "nomination": nomination,
            "missing": missing_items(nomination),
            # Only nominations awaiting the check can be decided together.
            "selectable": nomination.state == NominationState.SUBMITTED,
        }
        for nomination in page.object_list
    ]
    query = urlencode(filters.as_query())
    return render(
        request,
        "submissions/formalcheck_queue.html",
        {
            "edition": edition,
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query,
            "categories": list(edition.categories.all()),
            "directions": list(edition.directions.all()),
            "channels": Channel.choices,
            "states": [
                (state.value, state.label, count)
                for state, count in formal_check.state_counts(edition).items()
            ],
            "bulk_form": bulk_form or BulkDecisionForm(ids=[row["nomination"].pk for row in rows]),
            "ticked": set(bulk_form.data.getlist("ids")) if bulk_form is not None else set(),
            "selectable": any(row["selectable"] for row in rows),
            "queue_url": _queue_url(filters),
        },
        status=status,
    )


@permission_required_or_404("submissions.run_formal_check")
@require_POST
def formalcheck_bulk(request):
    edition = current_edition_or_404()
    filters = formal_check.QueueFilters.from_query(request.POST)
    ids = list(
        Nomination.objects.filter(
            edition=edition, pk__in=[v for v in request.POST.getlist("ids") if v.isdigit()]
        ).values_list("pk", flat=True)
    )
    form = BulkDecisionForm(request.POST, ids=ids)
    if not form.is_valid():
        return _queue_page(
            request,
            edition,
            filters,
            page_number=request.POST.get("page"),
            bulk_form=form,
            status=400,
        )
    data = form.cleaned_data
    try:
        result = formal_check.decide_many(
            nominations=Nomination.objects.filter(pk__in=data["ids"]),
            decision=data["decision"],
            actor=request.user,
            reason=data["reason"],
            correction_deadline=data["correction_deadline"],
        )
    except Refused as error:
        messages.error(request, error.message)
        return redirect(_queue_url(filters))
    if result.decided:
        messages.success(
            request,
            _("Decided: %(decision)s for %(count)d nominations: %(codes)s.")
            % {
                "decision": FormalCheck.Decision(data["decision"]).label,
                "count": len(result.decided),
                "codes": join_items(n.code for n in result.decided),
            },
        )
    if result.skipped:
        messages.warning(
            request,
            _("Not changed, because they are no longer awaiting the check: %(codes)s.")
            % {"codes": join_items(n.code for n in result.skipped)},
        )
    return redirect(_queue_url(filters))


@permission_required_or_404("submissions.run_formal_check")
@require_GET
def formalcheck_export(request, fmt):
    edition = current_edition_or_404()
    filters = formal_check.QueueFilters.from_query(request.GET)
    nominations = list(formal_check.queue(edition, filters))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(
            formal_check.export_xlsx(nominations),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(formal_check.export_csv(nominations), content_type="text/csv")
    filename = f"formal-check-{edition.year}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- One nomination -------------------------------------------------------------------------


def _nomination_for_check(edition: Edition, code: str) -> Nomination:
    queryset = (
        Nomination.objects.filter(edition=edition)
        .select_related(
            "edition", "category", "direction", "organisation", "created_by", "recommendation"
        )
        .prefetch_related(
            "completing_organisations",
            "key_people",
            "patents",
            "declarations__made_by",
            Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "-version")),
            Prefetch(
                "state_changes",
                queryset=StateChange.objects.select_related("actor").order_by("at", "id"),
            ),
            Prefetch("formal_checks", queryset=FormalCheck.objects.select_related("decided_by")),
        )
    )
    return get_object_or_404(queryset, code=code)


def _paired_texts(nomination: Nomination) -> list[dict]:
    return [
        {
            "label": TEXT_LABELS[field],
            "zh": getattr(nomination, f"{field}_zh"),
            "en": getattr(nomination, f"{field}_en"),
        }
        for field in TEXT_FIELDS
    ]


def _recorded_checklist(checks: list[FormalCheck]) -> dict | None:
    """The latest formal check's decision time and its checklist as (label, confirmed) pairs,
    in the checklist's order; None for a nomination never checked. `checks` are the
    nomination's, latest first (the model's order)."""
    if not checks:
        return None
    check = checks[0]
    return {
        "decided_at": check.decided_at,
        "rows": [(label, bool(check.checklist.get(key))) for key, label in formal_check.CHECKLIST],
    }


@permission_required_or_404("submissions.run_formal_check")
@require_http_methods(["GET", "POST"])
def formalcheck_detail(request, code):
    edition = current_edition_or_404()
    nomination = _nomination_for_check(edition, code)
    prefilled = formal_check.prefilled_checklist(nomination)
    awaiting = nomination.state == NominationState.SUBMITTED
    form = DecisionForm(request.POST or None, prefilled=prefilled)
    if request.method == "POST":
        if not awaiting:
            messages.warning(request, _("This nomination is not awaiting the formal check."))
            return redirect("submissions:formalcheck_detail", code=nomination.code)
        if form.is_valid():
            data = form.cleaned_data
            try:
                formal_check.decide(
                    nomination=nomination,
                    decision=data["decision"],
                    actor=request.user,
                    reason=data["reason"],
                    correction_deadline=data["correction_deadline"],
                    checklist=form.checklist(),
                )
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("%(code)s: %(decision)s. The nominator is told by e-mail.")
                    % {
                        "code": nomination.code,
                        "decision": FormalCheck.Decision(data["decision"]).label,
                    },
                )
                return redirect(request.POST.get("next") or _queue_url(formal_check.QueueFilters()))
    current = [a for a in nomination.attachments.all() if a.is_current]
    checks = list(nomination.formal_checks.all())  # prefetched, latest first
    # With several returns, the changes are those since the latest one.
    snapshot = (
        NominationSnapshot.objects.filter(nomination=nomination)
        .order_by("-taken_at", "-id")
        .first()
    )
    return render(
        request,
        "submissions/formalcheck_detail.html",
        {
            "edition": edition,
            "nomination": nomination,
            "form": form,
            "awaiting": awaiting,
            "prefilled": prefilled,
            "checklist": [
                (form[f"check_{key}"], prefilled[key]) for key, _label in formal_check.CHECKLIST
            ],
            # Once decided, the page shows what the organiser confirmed at the latest check,
            # which may differ from what the data suggests.
            "recorded": None if awaiting else _recorded_checklist(checks),
            "missing": missing_items(nomination),
            "warnings": maturity_warnings(
                nomination.category.code, nomination.trl, nomination.application_status
            ),
            "texts": _paired_texts(nomination),
            "attachments": current,
            "recommendation": getattr(nomination, "recommendation", None)
            if nomination.channel == Channel.EXPERT
            else None,
            "timeline": list(nomination.state_changes.all()),
            "checks": checks,
            "snapshot": snapshot,
            "changes": snapshots.differences(snapshot.payload, snapshots.capture(nomination))
            if snapshot
            else None,
            "next": request.GET.get("next", ""),
            # The secretariat completes and submits its own recommendations here.
            "secretariat_draft": nomination.channel == Channel.SECRETARIAT
            and nomination.state in (NominationState.DRAFT, NominationState.RETURNED),
            "secretariat_channel": nomination.channel == Channel.SECRETARIAT,
            "can_edit": can_edit_nomination(request.user, nomination),
            "next_url": request.path,
        },
    )


def secretariat_nomination(request, code: str) -> Nomination:
    """A secretariat recommendation of the current edition; any other channel is a 404 here
    (nominators and experts edit theirs on their own pages)."""
    return get_object_or_404(
        Nomination.objects.filter(
            edition=current_edition_or_404(), channel=Channel.SECRETARIAT
        ).select_related("edition", "category", "direction", "organisation"),
        code=code,
    )


@permission_required_or_404("submissions.recommend_as_secretariat", fn=secretariat_nomination)
@require_POST
def secretariat_submit(request, code):
    """Submit a secretariat recommendation on the organisation's behalf, once complete."""
    nomination = request.permitted_object
    try:
        submit_nomination(nomination=nomination, actor=request.user)
    except IncompleteNomination as error:
        messages.error(request, error.message)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Nomination %(code)s is submitted.") % {"code": code})
    return redirect("submissions:formalcheck_detail", code=code)


# --- Secretariat recommendations ------------------------------------------------------------


@permission_required_or_404("submissions.recommend_as_secretariat")
@require_http_methods(["GET", "POST"])
def secretariat_nomination_create(request):
    """The secretariat puts a technology forward on an organisation's behalf."""
    edition = current_edition_or_404()
    data = request.POST if request.method == "POST" else None
    who = SecretariatNominationForm(data, prefix="who")
    form = NominationForm(data, edition=edition)
    formsets = part_formsets(data)
    if (
        request.method == "POST"
        and who.is_valid()
        and form.is_valid()
        and all(f.is_valid() for f in formsets.values())
    ):
        organisation = who.cleaned_data["organisation"] or find_or_create_organisation(
            **who.organisation_fields()
        )
        try:
            nomination = create_secretariat_nomination(
                edition=edition,
                organisation=organisation,
                actor=request.user,
                declarations=form.cleaned_data["declarations"],
                **part_rows(formsets),
                **form.content(),
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Secretariat recommendation %(code)s saved as a draft for %(organisation)s.")
                % {"code": nomination.code, "organisation": organisation},
            )
            return redirect("submissions:formalcheck_detail", code=nomination.code)
    return render(
        request,
        "submissions/secretariat_form.html",
        {
            "edition": edition,
            "who": who,
            "form": form,
            "formsets": formsets,
            "categories": list(Category.objects.filter(edition=edition)),
            "maturity_messages": maturity_messages(),
        },
    )


@permission_required_or_404("submissions.recommend_as_secretariat")
@require_http_methods(["GET", "POST"])
def invitation_list(request):
    """Invite an organisation by link; the invitations sent so far."""
    edition = current_edition_or_404()
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def accept_url_for(invitation, language):
            from django.utils import translation

            with translation.override(language):
                path = reverse("submissions:invitation_accept", kwargs={"token": invitation.token})
            return request.build_absolute_uri(path)

        try:
            invitation = invite_organisation(
                edition=edition,
                email=data["email"],
                organisation=data["organisation"],
                language=data["language"],
                actor=request.user,
                accept_url_for=accept_url_for,
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("submissions:invitation_list")
    invitations = Invitation.objects.filter(edition=edition).select_related(
        "organisation", "nomination", "created_by"
    )
    return render(
        request,
        "submissions/invitation_list.html",
        {"edition": edition, "form": form, "invitations": invitations},
    )
