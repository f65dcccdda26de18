"""The expert's profile of expertise and preferences (bidding); the secretariat's bidding window,
progress and assignment weights.

An expert sees, while bidding, the code, titles, summary and direction of every entry to review
that they have no conflict with (`queries.biddable_nominations`): nothing more, and nobody else's
preferences. Anything else answers 404.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from submissions.models import Direction
from submissions.queries import current_edition

from .. import queries
from ..forms import AssignmentSettingsForm, BiddingWindowForm, ExpertProfileForm
from ..models import Bid
from ..services.bids import (
    PROFILE_FIELDS,
    assignment_settings,
    bidding_window,
    bidding_window_open,
    declare_conflict_with,
    set_bid,
    set_bidding_window,
    update_assignment_settings,
    update_expert_profile,
)
from .organiser import with_current_edition

PREFERENCES = [
    (Bid.Preference.EAGER, "eager"),
    (Bid.Preference.WILLING, "willing"),
    (Bid.Preference.NEUTRAL, "neutral"),
    (Bid.Preference.UNWILLING, "unwilling"),
]


def _membership(request):
    """The committee membership the gate found (`review.serve_on_committee`)."""
    return queries.expert_for(request.user, request.permitted_object)


@permission_required_or_404("review.serve_on_committee", fn=current_edition)
@require_http_methods(["GET", "POST"])
def profile(request):
    """The expert's statement of expertise and keywords, used to match entries to experts."""
    expert = _membership(request)
    form = ExpertProfileForm(request.POST or None, instance=expert)
    if request.method == "POST":
        if form.is_valid():
            update_expert_profile(
                expert=expert,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in PROFILE_FIELDS},
            )
            messages.success(request, _("Your statement of expertise is saved."))
            return redirect("review:profile")
        messages.error(request, _("Please correct the fields marked below; nothing was saved yet."))
    return render(
        request,
        "review/expert_profile.html",
        {"expert": expert, "edition": expert.edition, "form": form},
    )


@permission_required_or_404("review.serve_on_committee", fn=current_edition)
@require_http_methods(["GET"])
def bid_list(request):
    """The entries the expert may bid on, filtered by direction and searched, with their bids."""
    expert = _membership(request)
    edition = expert.edition
    directions = list(Direction.objects.filter(edition=edition))
    direction = request.GET.get("direction", "")
    direction_id = int(direction) if direction.isdigit() else None
    search = request.GET.get("q", "").strip()[:100]
    rows = list(queries.bidding_list(expert, direction=direction_id, search=search))
    window = bidding_window(edition)
    return render(
        request,
        "review/bid_list.html",
        {
            "edition": edition,
            "expert": expert,
            "rows": rows,
            "directions": directions,
            "direction_id": direction_id,
            "search": search,
            "window": window,
            "window_open": window is not None and window.is_open(),
            "preferences": PREFERENCES,
            "now": timezone.now(),
        },
    )


@permission_required_or_404("review.serve_on_committee", fn=current_edition)
@require_POST
def bid_set(request, code):
    """Save one preference (htmx autosave answers a status line; without script, a redirect)."""
    expert = _membership(request)
    nomination = get_object_or_404(queries.biddable_nominations(expert), code=code)
    raw = request.POST.get("preference", "")
    try:
        preference = Bid.Preference(int(raw))
    except ValueError:
        preference = None
    message = ""
    saved = False
    if preference is None:
        message = _("Choose one of the four preferences.")
    else:
        try:
            set_bid(expert=expert, nomination=nomination, preference=preference, actor=request.user)
        except Refused as error:
            message = error.message
        else:
            saved = True
    if request.headers.get("HX-Request"):
        return render(
            request,
            "review/includes/bid_status.html",
            # 200 either way: htmx swaps only successful answers, and a refusal must be read.
            {"saved": saved, "message": message, "preference": preference},
        )
    if saved:
        messages.success(request, _("Your preference is saved."))
    else:
        messages.error(request, message)
    return redirect(f"{_list_url()}#entry-{nomination.code}")


def _list_url():
    from django.urls import reverse

    return reverse("review:bid_list")


@permission_required_or_404("review.serve_on_committee", fn=current_edition)
@require_POST
def bid_conflict(request, code):
    """Declare a conflict with one entry from the bidding list; its bid goes with it."""
    expert = _membership(request)
    nomination = get_object_or_404(queries.biddable_nominations(expert), code=code)
    try:
        declare_conflict_with(
            expert=expert,
            nomination=nomination,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except Refused as error:
        messages.error(request, f"{nomination.code}: {error.message}")
        return redirect(f"{_list_url()}#entry-{nomination.code}")
    messages.success(
        request,
        _("Your conflict with %(code)s is recorded; the entry leaves your list.")
        % {"code": nomination.code},
    )
    return redirect("review:bid_list")


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def bidding_overview(request, edition):
    """Open or move the bidding window, and follow each expert's progress."""
    window = bidding_window(edition)
    initial = {}
    if window is not None:
        initial = {
            "opens_at": timezone.localtime(window.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": timezone.localtime(window.closes_at).strftime("%Y-%m-%dT%H:%M"),
        }
    form = BiddingWindowForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                set_bidding_window(
                    edition=edition,
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                    actor=request.user,
                )
            except Refused as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The bidding window is saved."))
                return redirect("review:bidding_overview")
        else:
            messages.error(
                request, _("Please correct the fields marked below; nothing was saved yet.")
            )
    experts = list(queries.bidding_progress(edition))
    entries = queries.entries_to_review(edition).count()
    return render(
        request,
        "review/bidding_overview.html",
        {
            "edition": edition,
            "form": form,
            "window": window,
            "window_open": bidding_window_open(edition),
            "experts": experts,
            "entries": entries,
            "experts_bidding": sum(1 for e in experts if e.bids_total),
        },
    )


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET", "POST"])
def assignment_settings_view(request, edition):
    """The weights of direction, text and preference, and the fairness stage's threshold."""
    settings = assignment_settings(edition)
    form = AssignmentSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST":
        if form.is_valid():
            update_assignment_settings(
                edition=edition,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
            messages.success(request, _("The assignment settings are saved."))
            return redirect("review:assignment_settings")
        messages.error(request, _("Please correct the fields marked below; nothing was saved yet."))
    return render(request, "review/assignment_settings.html", {"edition": edition, "form": form})


@permission_required_or_404("review.manage_evaluation")
@with_current_edition
@require_http_methods(["GET"])
def assignment_quality(request, edition):
    """How well the current assignment matches experts to fields, against direction only."""
    from ..assignment_quality import histogram_chart, measure, worst_served
    from ..models import AssignmentRun
    from ..services.assignment import current_quality

    entries, parts, weights, pairs = current_quality(edition)
    measured = measure(parts, weights, pairs)
    run = (
        AssignmentRun.objects.filter(edition=edition, state=AssignmentRun.State.DONE)
        .only("summary", "finished_at")
        .first()
    )
    stored = (run.summary or {}).get("quality", {}) if run else {}
    baseline = stored.get("direction_only")
    rows = [
        {"entry": entries[row.index], "quality": row}
        for row in sorted(measured["rows"], key=lambda row: entries[row.index].code)
    ]
    worst = [
        {"entry": entries[row.index], "quality": row} for row in worst_served(measured["rows"])
    ]
    chart = histogram_chart(
        measured["strong_histogram"], baseline["strong_histogram"] if baseline else []
    )
    return render(
        request,
        "review/assignment_quality.html",
        {
            "edition": edition,
            "figures": measured,
            "baseline": baseline,
            "run": run,
            "rows": rows,
            "worst": worst,
            "weights": weights,
            "chart": chart,
        },
    )
