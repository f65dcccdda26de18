"""The committee member's ballot: the open rounds, the finalists' materials, choose, confirm,
cast, and the tracker code.

Only members on a round's frozen voter list reach it (everyone else gets 404; signed-out
visitors are sent to sign in). Counts appear only once the round is closed.
"""

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.access import permission_required_or_404
from core.errors import Refused
from review.models import Expert
from review.queries import expert_for
from submissions.models import Edition
from submissions.queries import current_edition

from .. import queries, services
from ..forms import BallotForm
from ..models import BallotCast, BallotRound, RoundState
from ..rules import may_see_result
from .results import result_rows

# The session key of the one-time token of a confirmation page (not a secret itself).
TOKEN_KEY = "voting-cast-token-%d"  # noqa: S105  # nosec B105  # a session key name


def _visible_round(request, pk: int, **_kwargs) -> BallotRound:
    """A round of the current edition that lists the user as a voter; 404 otherwise."""
    expert = expert_for(request.user, Edition.objects.current())
    if expert is None:
        raise Http404
    return get_object_or_404(queries.rounds_visible_to_member(expert), pk=pk)


def _round_and_voter(request) -> tuple[BallotRound, Expert, object]:
    """The round the gate let through (`voting.cast_ballot`), the member and their voter row."""
    round = request.permitted_object
    expert = expert_for(request.user, round.edition)
    return round, expert, queries.round_voter(round, expert)


@permission_required_or_404("voting.see_rounds", fn=current_edition)
@require_GET
def member_rounds(request):
    expert = expert_for(request.user, request.permitted_object)
    rounds = list(queries.open_rounds_for_expert(expert))
    return render(
        request,
        "voting/member_rounds.html",
        {
            "expert": expert,
            "open_rounds": [r for r in rounds if r.state == RoundState.OPEN],
            "other_rounds": [r for r in rounds if r.state != RoundState.OPEN],
        },
    )


def _ballot_context(round, voter, form, recused):
    items = queries.round_items(round)
    summaries = queries.review_summaries(items)
    selected = form.selected() if form is not None else {}
    rows = [
        {
            "item": item,
            "summary": summaries.get(item.pk),
            "recused": item.code in recused,
            "selected": selected.get(item.code),
        }
        for item in items
    ]
    return {
        "round": round,
        "rows": rows,
        "form": form,
        "places": range(1, round.quota + 1),
        "voter_count": round.voters.count(),
    }


@never_cache
@permission_required_or_404("voting.cast_ballot", fn=_visible_round)
@require_http_methods(["GET", "POST"])
def member_ballot(request, pk: int):
    """GET: the ballot (or, after the close, the result). POST: check the choices and show the
    confirmation page; "change" comes back here with the choices kept."""
    round, expert, voter = _round_and_voter(request)
    if round.state == RoundState.AWAITING_COUNT:
        # Closed, its ballots still sealed: nothing to show but the state.
        return render(
            request,
            "voting/member_result.html",
            {"round": round, "rows": [], "has_voted": _has_voted(round, expert)},
        )
    if round.state != RoundState.OPEN:
        if not may_see_result(request.user, round):
            raise Http404
        return render(
            request,
            "voting/member_result.html",
            {"round": round, "rows": result_rows(round), "has_voted": _has_voted(round, expert)},
        )
    if _has_voted(round, expert):
        return render(request, "voting/member_voted.html", {"round": round})

    recused = queries.recused_codes(voter)
    codes = list(queries.item_codes(round))
    if request.method == "POST":
        form = BallotForm(
            request.POST, method=round.method, quota=round.quota, codes=codes, recused=recused
        )
        if "change" not in request.POST and form.is_valid():
            token = secrets.token_urlsafe(24)
            request.session[TOKEN_KEY % round.pk] = token
            items = {item.code: item for item in queries.round_items(round)}
            return render(
                request,
                "voting/member_confirm.html",
                {
                    "round": round,
                    "chosen": [items[code] for code in form.chosen],
                    "token": token,
                },
            )
        if "change" in request.POST:
            form.errors.clear()
    else:
        form = BallotForm(method=round.method, quota=round.quota, codes=codes, recused=recused)
    return render(
        request, "voting/member_ballot.html", _ballot_context(round, voter, form, recused)
    )


def _has_voted(round, expert) -> bool:
    return BallotCast.objects.filter(round=round, voter=expert).exists()


@never_cache
@permission_required_or_404("voting.cast_ballot", fn=_visible_round)
@require_http_methods(["GET", "POST"])
def member_cast(request, pk: int):
    """Cast the confirmed choices. The tracker page is this response itself: the code is never
    written to the session or anywhere else linked to the member, so it cannot be read back.
    (A GET here — a reload, or the language switch on the tracker page — goes to the ballot.)"""
    round, expert, _voter = _round_and_voter(request)
    if request.method != "POST":
        return redirect("voting:member_ballot", pk=round.pk)
    token = request.session.pop(TOKEN_KEY % round.pk, None)
    if not token or not secrets.compare_digest(token, request.POST.get("token", "")):
        if _has_voted(round, expert):
            messages.info(request, _("You have already voted in this round."))
        else:
            messages.warning(
                request, _("This confirmation is no longer valid. Please make your choices again.")
            )
        return redirect("voting:member_ballot", pk=round.pk)
    try:
        tracker = services.cast_ballot(
            round=round, voter=expert, choices=request.POST.getlist("choice")
        )
    except services.AlreadyVoted as error:
        messages.info(request, error.message)
        return redirect("voting:member_ballot", pk=round.pk)
    except Refused as error:
        messages.error(request, error.message)
        return redirect("voting:member_ballot", pk=round.pk)
    # never_cache makes the response no-store: the page is not kept by the browser or a proxy.
    return render(request, "voting/member_tracker.html", {"round": round, "tracker": tracker})
