"""Tellers' pages: make one's teller secret (shown once), the rounds one is a teller of, and the
count, where two tellers enter their secrets together (docs/ballot-secrecy.md).

Secrets pass through these views and nowhere else: they are never written to the session, the
cache, a task, a message or a log, and Django's error reports hide them
(sensitive_post_parameters, sensitive_variables). Pages that show a secret are not cached.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from accounts.rules import is_organiser
from core.access import permission_required_or_404
from core.errors import Refused
from submissions.models import Edition

from .. import queries, sealing, services
from ..forms import CountForm
from ..models import BallotRound, RoundState, RoundTeller, Teller


@never_cache
@permission_required_or_404("voting.hold_teller_key")
@require_http_methods(["GET", "POST"])
@sensitive_variables("secret")
def teller_home(request):
    """GET: my teller key and my rounds. POST: make my secret, shown once in this response."""
    secret = None
    if request.method == "POST":
        try:
            secret = services.create_teller_secret(actor=request.user)
        except Refused as error:
            messages.error(request, error.message)
            return redirect("voting:teller_home")
    teller = Teller.objects.filter(user=request.user).first()
    rounds = (
        list(
            RoundTeller.objects.filter(teller=teller)
            .select_related("round__category", "round__edition")
            .order_by("-round__opened_at", "-round_id")
        )
        if teller
        else []
    )
    return render(
        request,
        "voting/teller_home.html",
        {
            "teller": teller,
            "fingerprint": sealing.key_fingerprint(bytes(teller.public_key)) if teller else "",
            "secret": secret,
            "rounds": rounds,
            "awaiting": RoundState.AWAITING_COUNT,
        },
    )


def _round(request, pk: int, **_kwargs) -> BallotRound:
    """A round of the current edition (who may count it is `voting.count_round`)."""
    return get_object_or_404(
        BallotRound.objects.select_related("category", "edition", "parent"),
        pk=pk,
        edition=Edition.objects.current(),
    )


@never_cache
@permission_required_or_404("voting.count_round", fn=_round)
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("secret_1", "secret_2")
@sensitive_variables("form", "secrets")
def teller_count(request, pk: int):
    """Two tellers enter their secrets in one request; the round is opened and counted."""
    round = request.permitted_object
    form = CountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        secrets = [form.cleaned_data["secret_1"], form.cleaned_data["secret_2"]]
        try:
            services.count_round(round=round, actor=request.user, secrets=secrets)
        except Refused as error:
            # The template never puts the secrets back into the inputs: a page that echoes a
            # secret could be kept by the browser. The tellers type them again.
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The round's ballots are opened and counted."))
            if is_organiser(request.user):
                return redirect("voting:organiser_round", pk=round.pk)
            return redirect("voting:teller_home")
    return render(
        request,
        "voting/teller_count.html",
        {
            "round": round,
            "form": form,
            "round_tellers": queries.round_tellers(round),
            "cast": round.casts.count(),
            "awaiting": round.state == RoundState.AWAITING_COUNT,
        },
    )
