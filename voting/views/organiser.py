"""The secretariat's ballot pages: rounds per category, opening a round, turnout while it is
open (never choices, never partial counts), closing, the result, run-offs, re-runs and
certification.

Organisers only: anyone else signed in gets 404, anyone signed out is sent to sign in.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import permission_required_or_404
from core.errors import Refused
from submissions.models import Category
from submissions.queries import current_edition_or_404
from submissions.states import NominationState

from .. import queries, runoffs, services
from ..forms import ClosesAtForm, OpenRoundForm, PlaceDecisionForm, VoidRoundForm
from ..models import BallotCast, BallotRound, PlaceDecision, RoundKind, RoundState
from .results import result_rows


def _round(pk: int) -> BallotRound:
    return get_object_or_404(
        BallotRound.objects.select_related("category", "edition", "parent", "certified_by"),
        pk=pk,
        edition=current_edition_or_404(),
    )


@permission_required_or_404("voting.run_rounds")
@require_GET
def organiser_rounds(request):
    edition = current_edition_or_404()
    categories = list(edition.categories.order_by("code"))
    rounds = list(queries.rounds_of_edition(edition))
    turnout = {}
    for round_id in BallotCast.objects.filter(round__edition=edition).values_list(
        "round_id", flat=True
    ):
        turnout[round_id] = turnout.get(round_id, 0) + 1
    voters = {}
    for round_id in BallotRound.objects.filter(edition=edition).values_list(
        "voters__round_id", flat=True
    ):
        if round_id is not None:
            voters[round_id] = voters.get(round_id, 0) + 1
    # Per category: the entries that reached the final, and those still waiting for a vote.
    finalist_counts, waiting = {}, {}
    for category_id, state in queries.final_entries_of_edition(edition).values_list(
        "category_id", "state"
    ):
        finalist_counts[category_id] = finalist_counts.get(category_id, 0) + 1
        if state == NominationState.FINALIST:
            waiting[category_id] = waiting.get(category_id, 0) + 1
    sections = []
    for category in categories:
        category_rounds = [r for r in rounds if r.category_id == category.pk]
        for r in category_rounds:
            r.turnout = turnout.get(r.pk, 0)
            r.voter_count = voters.get(r.pk, 0)
        sections.append(
            {
                "category": category,
                "rounds": category_rounds,
                "finalists": finalist_counts.get(category.pk, 0),
                "waiting": waiting.get(category.pk, 0),
                "can_open": not any(r.state in services.UNFINISHED for r in category_rounds),
            }
        )
    return render(
        request, "voting/organiser_rounds.html", {"edition": edition, "sections": sections}
    )


@permission_required_or_404("voting.run_rounds")
@require_http_methods(["GET", "POST"])
def organiser_open(request, code: str):
    edition = current_edition_or_404()
    category = get_object_or_404(Category, edition=edition, code=code)
    finalists = list(queries.finalists(category).select_related("organisation"))
    eligible = queries.eligible_experts(edition).count()
    if request.method == "POST":
        form = OpenRoundForm(request.POST)
        if form.is_valid():
            try:
                round = services.open_round(
                    edition=edition,
                    category=category,
                    actor=request.user,
                    method=form.cleaned_data["method"],
                    quota=form.cleaned_data["quota"],
                    closes_at=form.cleaned_data["closes_at"],
                    quorum=form.cleaned_data["quorum"],
                    threshold=form.cleaned_data["threshold"],
                    tellers=form.cleaned_data["tellers"],
                )
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The round is open."))
                return redirect("voting:organiser_round", pk=round.pk)
    else:
        form = OpenRoundForm(
            initial={
                "quota": category.winners_quota,
                "quorum": edition.quorum,
                "threshold": edition.threshold,
            }
        )
    return render(
        request,
        "voting/organiser_open.html",
        {
            "edition": edition,
            "category": category,
            "finalists": finalists,
            "eligible": eligible,
            "form": form,
        },
    )


def _round_context(round: BallotRound, **extra) -> dict:
    context = {
        "round": round,
        "voter_count": round.voters.count(),
        "items": queries.round_items(round),
        "closes_at_form": ClosesAtForm(),
        "round_tellers": queries.round_tellers(round),
        "late_conflicts": queries.late_conflicts(round),
        # Before the count a round can be voided (and held again); after it the result stands.
        "can_void": round.state in (RoundState.OPEN, RoundState.AWAITING_COUNT),
        "void_form": VoidRoundForm(),
    }
    if round.state == RoundState.AWAITING_COUNT:
        context.update(cast=round.casts.count())
    elif round.state == RoundState.OPEN:
        # Turnout only: who has voted and who has not. No choices and no partial count exist
        # on this page, by construction: nothing here reads the Ballot table.
        rows = queries.turnout(round)
        context.update(turnout=rows, voted=sum(row.voted for row in rows))
    else:
        unfilled = services.unfilled_places(round)
        decisions = list(round.place_decisions.select_related("runoff", "decided_by"))
        context.update(
            rows=result_rows(round),
            runoffs=list(round.runoffs.order_by("number")),
            can_runoff=round.state in (RoundState.CLOSED, RoundState.CERTIFIED)
            and bool((round.result or {}).get("runoff"))
            and not round.runoffs.filter(kind=RoundKind.TIE_RUNOFF)
            .exclude(state=RoundState.VOID)
            .exists(),
            unfilled=unfilled,
            # A vacancy run-off is the one attempt: what it leaves open stays vacant.
            needs_place_decision=unfilled > 0 and round.kind != RoundKind.VACANCY_RUNOFF,
            place_form=PlaceDecisionForm(),
            place_decisions=decisions,
            vacancy_items=(
                runoffs.vacancy_runoff_items(round)
                if any(d.decision == "runoff" and d.runoff_id is None for d in decisions)
                or (round.state == RoundState.CLOSED and unfilled)
                else []
            ),
        )
    context.update(extra)
    return context


@permission_required_or_404("voting.run_rounds")
@require_GET
def organiser_round(request, pk: int):
    round = _round(pk)
    return render(request, "voting/organiser_round.html", _round_context(round))


@permission_required_or_404("voting.run_rounds")
@require_POST
def organiser_close(request, pk: int):
    round = _round(pk)
    try:
        services.close_round(round=round, actor=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The round is closed. Two of its tellers can now count its ballots.")
        )
    return redirect("voting:organiser_round", pk=round.pk)


@permission_required_or_404("voting.run_rounds")
@require_POST
def organiser_void(request, pk: int):
    round = _round(pk)
    form = VoidRoundForm(request.POST)
    if form.is_valid():
        try:
            services.void_round(round=round, actor=request.user, reason=form.cleaned_data["reason"])
        except Refused as error:
            form.add_error(None, error.message)
    if form.errors:
        # Shown again with the reason entered and the message in the user's language.
        return render(
            request,
            "voting/organiser_round.html",
            _round_context(round, void_form=form),
            status=400,
        )
    messages.success(
        request,
        _("The round is void; its sealed ballots were deleted unread. Hold it again below."),
    )
    return redirect("voting:organiser_round", pk=round.pk)


@permission_required_or_404("voting.run_rounds")
@require_POST
def organiser_certify(request, pk: int):
    round = _round(pk)
    form = PlaceDecisionForm(request.POST)
    needs_decision = services.unfilled_places(round) > 0 and round.kind != RoundKind.VACANCY_RUNOFF
    if needs_decision and not form.is_valid():
        # Shown again with what was entered and the reason in the user's language.
        return render(
            request,
            "voting/organiser_round.html",
            _round_context(round, place_form=form),
            status=400,
        )
    try:
        services.certify_round(
            round=round,
            actor=request.user,
            unfilled=form.cleaned_data.get("unfilled") if needs_decision else None,
            reason=form.cleaned_data.get("reason", "") if needs_decision else "",
        )
    except Refused as error:
        form.add_error(None, error.message)
        return render(
            request,
            "voting/organiser_round.html",
            _round_context(round, place_form=form),
            status=400,
        )
    messages.success(request, _("The result is certified."))
    return redirect("voting:organiser_round", pk=round.pk)


@permission_required_or_404("voting.run_rounds")
@require_POST
def organiser_vacancy_runoff(request, pk: int):
    decision = get_object_or_404(
        PlaceDecision.objects.select_related("round"),
        pk=pk,
        round__edition=current_edition_or_404(),
    )
    form = ClosesAtForm(request.POST)
    if not form.is_valid():
        for field in ("closes_at", "tellers"):
            for error in form.errors.get(field, []):
                messages.error(request, error)
        return redirect("voting:organiser_round", pk=decision.round_id)
    try:
        runoff = runoffs.open_vacancy_runoff(
            decision=decision,
            actor=request.user,
            closes_at=form.cleaned_data["closes_at"],
            tellers=form.cleaned_data["tellers"],
        )
    except Refused as error:
        messages.error(request, error.message)
        return redirect("voting:organiser_round", pk=decision.round_id)
    messages.success(request, _("The round is open."))
    return redirect("voting:organiser_round", pk=runoff.pk)


def _reopen(request, pk: int, service):
    round = _round(pk)
    form = ClosesAtForm(request.POST)
    if not form.is_valid():
        for field in ("closes_at", "tellers"):
            for error in form.errors.get(field, []):
                messages.error(request, error)
        return redirect("voting:organiser_round", pk=round.pk)
    try:
        new_round = service(
            round=round,
            actor=request.user,
            closes_at=form.cleaned_data["closes_at"],
            tellers=form.cleaned_data["tellers"],
        )
    except Refused as error:
        messages.error(request, error.message)
        return redirect("voting:organiser_round", pk=round.pk)
    messages.success(request, _("The round is open."))
    return redirect("voting:organiser_round", pk=new_round.pk)


@permission_required_or_404("voting.run_rounds")
@require_POST
def organiser_runoff(request, pk: int):
    return _reopen(request, pk, services.open_runoff)


@permission_required_or_404("voting.run_rounds")
@require_POST
def organiser_rerun(request, pk: int):
    return _reopen(request, pk, services.rerun_round)
