"""The expert declares conflicts of interest from a list of entry titles (both languages)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.access import permission_required_or_404
from core.errors import Refused
from core.i18n import join_items
from submissions.queries import current_edition

from .. import queries
from ..models import Assignment, Conflict
from ..services import declaration_window_open, declare_conflicts


@permission_required_or_404("review.serve_on_committee", fn=current_edition)
@require_http_methods(["GET", "POST"])
def declare(request):
    edition = request.permitted_object
    expert = queries.expert_for(request.user, edition)
    window_open = declaration_window_open(edition)
    nominations = list(
        queries.declarable_nominations(edition).only("pk", "code", "title_zh", "title_en")
    )
    mine = {c.nomination_id: c for c in Conflict.objects.filter(expert=expert)}
    assigned = set(Assignment.objects.filter(expert=expert).values_list("nomination_id", flat=True))
    errors: dict[int, str] = {}
    posted_reasons: dict[int, str] = {}
    if request.method == "POST":
        if not window_open:
            raise Http404
        declared = {}
        for nomination in nominations:
            if request.POST.get(f"conflict_{nomination.pk}"):
                reason = request.POST.get(f"reason_{nomination.pk}", "").strip()[:2000]
                declared[nomination.pk] = reason
                posted_reasons[nomination.pk] = reason
                if not reason:
                    errors[nomination.pk] = _("Give the reason for this conflict.")
        if not errors:
            try:
                result = declare_conflicts(expert=expert, declared=declared, actor=request.user)
            except Refused as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Your declarations are saved: %(count)s conflict declared.",
                        "Your declarations are saved: %(count)s conflicts declared.",
                        result["declared"],
                    )
                    % {"count": result["declared"]},
                )
                if result["withdrawn"]:
                    messages.warning(
                        request,
                        _(
                            "You no longer review %(codes)s: an expert does not evaluate an "
                            "entry they have a conflict with, so the assignment was withdrawn "
                            "with the review you had entered. The secretariat keeps a record "
                            "of it."
                        )
                        % {"codes": join_items(result["withdrawn"])},
                    )
                return redirect("review:declare")
        else:
            messages.error(request, _("Some declarations need a reason; nothing was saved yet."))
    rows = []
    for nomination in nominations:
        conflict = mine.get(nomination.pk)
        declared = conflict is not None and conflict.source == Conflict.Source.DECLARED
        if request.method == "POST":
            ticked = nomination.pk in posted_reasons
            reason = posted_reasons.get(nomination.pk, "")
        else:
            ticked = declared
            reason = conflict.reason if declared else ""
        rows.append(
            {
                "nomination": nomination,
                "ticked": ticked,
                "reason": reason,
                "error": errors.get(nomination.pk, ""),
                # Conflicts the secretariat or the data already recorded: shown, not editable.
                "recorded": conflict is not None and not declared,
                # Declaring a conflict on it withdraws the assignment and the review: said first.
                "assigned": nomination.pk in assigned,
            }
        )
    return render(
        request,
        "review/conflict_declare.html",
        {"edition": edition, "expert": expert, "rows": rows, "window_open": window_open},
    )
