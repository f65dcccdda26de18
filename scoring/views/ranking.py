"""The secretariat's pages of the scoring: ranking with charts, shortlist and finalists,
review progress with reminders, criteria weights, and the XLSX export.

Organisers only; anyone else gets 404. Every page reads a fixed number of queries.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from core.i18n import localized
from review import charts
from review.models import Criterion, Expert
from submissions.models import Category, Edition
from submissions.queries import current_edition_or_404

from ..export import ranking_workbook
from ..forms import ShortlistForm, WeightsForm
from ..queries import edition_ranking, expert_progress
from ..services import (
    confirm_finalists,
    confirm_shortlist,
    ensure_default_criteria,
    preliminary_window,
    review_window_open,
    send_reminder_now,
    set_criterion_weights,
)


def _edition(request) -> Edition:
    year = request.GET.get("year") or request.POST.get("year")
    if year:
        return get_object_or_404(Edition, year=year)
    return current_edition_or_404()


@permission_required_or_404("scoring.rank_entries")
@require_GET
def ranking(request):
    return _ranking_page(request, _edition(request))


def _ranking_page(request, edition, *, posted_code=None, error=None, status=200):
    """The ranking page; after a refused shortlist, that category's form shows what was
    entered (ticks, acknowledgement, reason) with the refusal, in the user's language."""
    data = edition_ranking(edition)
    window_open = review_window_open(edition)
    sections = []
    for category_ranking in data.categories:
        posted = category_ranking.category.code == posted_code
        form = ShortlistForm(
            initial={
                "nominations": [r.nomination.pk for r in category_ranking.rows if r.preselected]
            },
            choices=[(r.nomination.pk, r.nomination.code) for r in category_ranking.rows],
        )
        chosen = (
            {int(v) for v in request.POST.getlist("nominations") if v.isdigit()}
            if posted
            else {r.nomination.pk for r in category_ranking.rows if r.preselected}
        )
        missing = [r for r in category_ranking.rows if r.shortlistable and r.submitted < r.assigned]
        sections.append(
            {
                "chosen": chosen,
                "missing_reviews": missing,
                "window_open": window_open,
                "needs_acknowledgement": bool(missing) or window_open,
                "acknowledged": posted and bool(request.POST.get("acknowledged")),
                "acknowledgement": request.POST.get("acknowledgement", "") if posted else "",
                "error": error if posted else None,
                "ranking": category_ranking,
                "histogram": charts.score_histogram(category_ranking.totals),
                "preselected": {r.nomination.pk for r in category_ranking.rows if r.preselected},
                "form": form,
                "finalists_count": sum(
                    1 for r in category_ranking.rows if r.nomination.state == "finalist"
                ),
                "shortlisted_count": sum(
                    1 for r in category_ranking.rows if r.nomination.state == "shortlisted"
                ),
                "can_shortlist": any(r.shortlistable for r in category_ranking.rows),
                "can_confirm_finalists": any(
                    r.nomination.state == "shortlisted"
                    or (r.nomination.state == "eligible" and r.nomination.channel == "expert")
                    for r in category_ranking.rows
                ),
            }
        )
    leniency = charts.leniency_bars(
        [(localized(expert, "name"), offset) for expert, offset in data.offsets]
    )
    progress = charts.progress_line(data.progress, expected=data.assigned_total)
    return render(
        request,
        "scoring/ranking.html",
        {
            "edition": edition,
            "data": data,
            "sections": sections,
            "leniency": leniency,
            "progress_chart": progress,
            "submitted_total": len(data.reviews),
            "window": preliminary_window(edition),
        },
        status=status,
    )


def _category(request, edition, code) -> Category:
    return get_object_or_404(Category, edition=edition, code=code)


@permission_required_or_404("scoring.rank_entries")
@require_POST
def shortlist(request, code):
    edition = _edition(request)
    category = _category(request, edition, code)
    ids = [int(value) for value in request.POST.getlist("nominations") if value.isdigit()]
    try:
        outcome = confirm_shortlist(
            category=category,
            shortlisted_ids=ids,
            actor=request.user,
            acknowledged=bool(request.POST.get("acknowledged")),
            acknowledgement=request.POST.get("acknowledgement", ""),
        )
    except Refused as error:
        return _ranking_page(
            request, edition, posted_code=category.code, error=error.message, status=400
        )
    else:
        messages.success(
            request,
            _("Shortlist of “%(category)s” confirmed: %(shortlisted)s shortlisted, %(others)s not.")
            % {
                "category": localized(category, "name"),
                "shortlisted": len(outcome.shortlisted),
                "others": len(outcome.not_shortlisted),
            },
        )
    return redirect(f"{_ranking_url(edition)}#category-{category.code}")


@permission_required_or_404("scoring.rank_entries")
@require_POST
def finalists(request, code):
    edition = _edition(request)
    category = _category(request, edition, code)
    try:
        codes = confirm_finalists(category=category, actor=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)s finalists of “%(category)s” confirmed.")
            % {"count": len(codes), "category": localized(category, "name")},
        )
    return redirect(f"{_ranking_url(edition)}#category-{category.code}")


def _ranking_url(edition):
    return reverse("scoring:ranking") + f"?year={edition.year}"


@permission_required_or_404("scoring.rank_entries")
@require_GET
def export(request):
    edition = _edition(request)
    content = ranking_workbook(edition_ranking(edition))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="wnevc-{edition.year}-preliminary-scores-{stamp}.xlsx"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required_or_404("scoring.rank_entries")
@require_GET
def progress(request):
    edition = _edition(request)
    rows = expert_progress(edition)
    return render(
        request,
        "scoring/ranking_progress.html",
        {
            "edition": edition,
            "rows": rows,
            "window": preliminary_window(edition),
            "unfinished": sum(1 for row in rows if row.assigned and not row.finished),
        },
    )


@permission_required_or_404("scoring.rank_entries")
@require_POST
def remind(request):
    edition = _edition(request)
    expert_id = request.POST.get("expert")
    experts = None
    if expert_id:
        experts = [get_object_or_404(Expert, pk=expert_id, edition=edition)]
    try:
        sent = send_reminder_now(edition=edition, actor=request.user, experts=experts)
    except Refused as error:
        messages.error(request, error.message)
    else:
        if sent:
            messages.success(request, _("Reminder sent to %(count)s experts.") % {"count": sent})
        else:
            messages.info(request, _("Nobody to remind: every assigned review is submitted."))
    return redirect(reverse("scoring:progress") + f"?year={edition.year}")


@permission_required_or_404("scoring.rank_entries")
@require_http_methods(["GET", "POST"])
def criteria(request):
    """The edition's criteria with their weights; the standard set is added with a button."""
    edition = _edition(request)
    here = reverse("scoring:criteria") + f"?year={edition.year}"
    if request.method == "POST" and "add_defaults" in request.POST:
        added = ensure_default_criteria(edition=edition, actor=request.user)
        if added:
            messages.success(request, _("%(count)s standard criteria added.") % {"count": added})
        else:
            messages.info(request, _("Every category already has the standard criteria."))
        return redirect(here)
    criteria_list = list(
        Criterion.objects.filter(category__edition=edition)
        .select_related("category")
        .order_by("category__code", "position", "code")
    )
    form = WeightsForm(request.POST or None, criteria=criteria_list)
    if request.method == "POST" and form.is_valid():
        try:
            set_criterion_weights(edition=edition, weights=form.weights(), actor=request.user)
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The weights are saved."))
            return redirect(here)
    return render(
        request,
        "scoring/ranking_criteria.html",
        {"edition": edition, "form": form, "criteria": criteria_list},
    )
