"""Recommendation channels as their users see them: the expert's recommendations (through the
same nomination form, plus a statement) and an invited organisation accepting its invitation.

An account that is not an expert of the current edition gets 404 on the expert's pages; an
expert sees only the recommendations they made.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.rules import acts_for_organisation
from core.access import permission_required_or_404
from core.errors import Refused

from ..completeness import maturity_messages, missing_items
from ..forms import NominationForm, StatementForm, part_formsets, part_rows
from ..models import Category
from ..options import edition_options
from ..organiser_forms import SecretariatNominationForm
from ..queries import committee_membership, current_edition, nomination_with_details
from ..recommendations import (
    EXPERT_QUOTA_PER_CATEGORY,
    InvitationUnusable,
    QuotaExceeded,
    accept_invitation,
    quota_left,
    recommend_technology,
    recommendations_of,
    usable_invitation,
)
from ..rules import can_edit_nomination, collection_open
from ..services import IncompleteNomination, submit_nomination
from ..states import NominationState


def _membership(request):
    """The expert's committee membership the gate found (`review.recommend_technology`)."""
    return committee_membership(request.user, request.permitted_object)


@permission_required_or_404("review.recommend_technology", fn=current_edition)
def expert_recommendations(request):
    expert = _membership(request)
    left = quota_left(expert)
    return render(
        request,
        "submissions/expert_recommendations.html",
        {
            "expert": expert,
            "edition": expert.edition,
            # Recommending is creating a nomination: only while the collection window is open.
            "collection_open": collection_open(expert.edition),
            "nominations": list(recommendations_of(expert)),
            "categories": [
                {"category": category, "left": left.get(category.code, 0)}
                for category in Category.objects.filter(edition=expert.edition)
            ],
            "quota": EXPERT_QUOTA_PER_CATEGORY,
        },
    )


@permission_required_or_404("review.recommend_technology", fn=current_edition)
@require_http_methods(["GET", "POST"])
def expert_recommend(request):
    expert = _membership(request)
    edition = expert.edition
    if not collection_open(edition):
        # Said before the form is filled in, not after (the service would refuse the save).
        messages.error(
            request,
            _("The collection window is closed; nominations can no longer be created or changed."),
        )
        return redirect("submissions:expert_recommendations")
    data = request.POST if request.method == "POST" else None
    initial = {}
    if request.GET.get("category"):
        initial["category"] = edition_options(edition).category(request.GET["category"])
    form = NominationForm(data, edition=edition, initial=initial)
    who = SecretariatNominationForm(data, prefix="who")
    statement = StatementForm(data, prefix="statement")
    formsets = part_formsets(data)
    if request.method == "POST" and all(
        [
            form.is_valid(),
            who.is_valid(),
            statement.is_valid(),
            *[f.is_valid() for f in formsets.values()],
        ]
    ):
        content = form.content()
        try:
            nomination = recommend_technology(
                expert=expert,
                actor=request.user,
                organisation=who.cleaned_data["organisation"],
                organisation_fields=who.organisation_fields(),
                statement_zh=statement.cleaned_data["statement_zh"],
                statement_en=statement.cleaned_data["statement_en"],
                declarations=form.cleaned_data["declarations"],
                **part_rows(formsets),
                **content,
            )
        except QuotaExceeded as error:
            form.add_error("category", error.message)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Recommendation %(code)s saved as a draft. Add the materials and submit it "
                    "when it is complete."
                )
                % {"code": nomination.code},
            )
            return redirect("submissions:expert_recommendation", code=nomination.code)
    return render(
        request,
        "submissions/expert_recommend.html",
        {
            "expert": expert,
            "edition": edition,
            "form": form,
            "who": who,
            "statement": statement,
            "formsets": formsets,
            "categories": edition_options(edition).categories,
            "maturity_messages": maturity_messages(),
            "quota_left": quota_left(expert),
            "nomination": None,
        },
    )


def own_recommendation(request, code: str, *, details: bool = False):
    queryset = recommendations_of(_membership(request))
    if details:
        queryset = nomination_with_details(queryset)
    return get_object_or_404(queryset, code=code)


@permission_required_or_404("review.recommend_technology", fn=current_edition)
def expert_recommendation(request, code):
    nomination = own_recommendation(request, code, details=True)
    return render(
        request,
        "submissions/expert_recommendation.html",
        {
            "expert": _membership(request),
            "nomination": nomination,
            "recommendation": nomination.recommendation,
            "missing": missing_items(nomination),
            "timeline": list(nomination.state_changes.all()),
            "can_edit": can_edit_nomination(request.user, nomination),
            "can_submit": nomination.state in (NominationState.DRAFT, NominationState.RETURNED)
            and can_edit_nomination(request.user, nomination),
            "next_url": request.path,
        },
    )


@permission_required_or_404("review.recommend_technology", fn=current_edition)
@require_POST
def expert_recommendation_submit(request, code):
    nomination = own_recommendation(request, code)
    try:
        submit_nomination(nomination=nomination, actor=request.user)
    except IncompleteNomination as error:
        messages.error(request, error.message)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Recommendation %(code)s is submitted.") % {"code": nomination.code}
        )
    return redirect("submissions:expert_recommendation", code=nomination.code)


# --- Invitations ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = usable_invitation(token)
    if invitation is None:
        raise Http404
    if not acts_for_organisation(request.user):
        messages.info(
            request,
            _("Before you accept the invitation, tell us about the organisation you act for."),
        )
        return redirect(f"{reverse('submissions:organisation_profile')}?next={request.path}")
    categories = list(Category.objects.filter(edition=invitation.edition))
    error = None
    if request.method == "POST":
        category = next(
            (c for c in categories if str(c.pk) == request.POST.get("category", "")), None
        )
        if category is None:
            error = _("Choose the category of the technology.")
        else:
            try:
                nomination = accept_invitation(token=token, actor=request.user, category=category)
            except InvitationUnusable as refused:
                messages.error(request, refused.message)
                return redirect("accounts:dashboard")
            except Refused as refused:
                error = refused.message
            else:
                messages.success(
                    request,
                    _(
                        "Invitation accepted: nomination %(code)s is a secretariat "
                        "recommendation. Fill it in and submit it."
                    )
                    % {"code": nomination.code},
                )
                return redirect("submissions:nomination_edit", code=nomination.code)
    return render(
        request,
        "submissions/invitation_accept.html",
        {"invitation": invitation, "categories": categories, "error": error},
    )
