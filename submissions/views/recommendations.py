"""Recommendation channels as their users see them: the expert's recommendations (through the
same nomination form, plus a statement) and an invited organisation accepting its invitation.

An account that is not an expert of the current edition gets 404 on the expert's pages; an
expert sees only the recommendations they made.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import Refused

from ..completeness import language_completeness, missing_items
from ..forms import NominationForm, part_formsets, part_rows
from ..models import Category, Edition
from ..organiser_forms import SecretariatNominationForm
from ..queries import nomination_with_details
from ..recommendation_forms import StatementForm
from ..recommendations import (
    EXPERT_QUOTA_PER_CATEGORY,
    InvitationUnusable,
    QuotaExceeded,
    accept_invitation,
    expert_membership,
    quota_left,
    recommend_technology,
    recommendations_of,
    update_statement,
    usable_invitation,
)
from ..rules import can_edit_nomination
from ..services import IncompleteNomination, StaleEdit, submit_nomination
from ..states import NominationState
from .autosave import autosave, save_nomination_text


def expert_required(view):
    """An expert of the current edition; anyone else signed in gets 404."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        expert = expert_membership(request.user, Edition.objects.current())
        if expert is None:
            raise Http404
        request.expert = expert
        return view(request, *args, **kwargs)

    return wrapper


@expert_required
def expert_recommendations(request):
    expert = request.expert
    left = quota_left(expert)
    return render(
        request,
        "submissions/expert_recommendations.html",
        {
            "expert": expert,
            "edition": expert.edition,
            "nominations": list(recommendations_of(expert)),
            "categories": [
                {"category": category, "left": left.get(category.code, 0)}
                for category in Category.objects.filter(edition=expert.edition)
            ],
            "quota": EXPERT_QUOTA_PER_CATEGORY,
        },
    )


def _statement_field_errors(statement: StatementForm) -> bool:
    return statement.is_bound and not statement.is_valid()


@expert_required
@require_http_methods(["GET", "POST"])
def expert_recommend(request):
    expert = request.expert
    edition = expert.edition
    data = request.POST if request.method == "POST" else None
    initial = {}
    if request.GET.get("category"):
        initial["category"] = Category.objects.filter(
            edition=edition, code=request.GET["category"]
        ).first()
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
            "categories": list(Category.objects.filter(edition=edition)),
            "quota_left": quota_left(expert),
            "nomination": None,
        },
    )


def _own_recommendation(request, code: str, *, details: bool = False):
    queryset = recommendations_of(request.expert)
    if details:
        queryset = nomination_with_details(queryset)
    return get_object_or_404(queryset, code=code)


@expert_required
@require_http_methods(["GET", "POST"])
def expert_recommendation_edit(request, code):
    nomination = _own_recommendation(request, code)
    if not can_edit_nomination(request.user, nomination):
        messages.warning(request, _("This nomination can no longer be changed."))
        return redirect("submissions:expert_recommendation", code=nomination.code)
    data = request.POST if request.method == "POST" else None
    form = NominationForm(data, instance=nomination, edition=nomination.edition)
    recommendation = nomination.recommendation
    statement = StatementForm(
        data,
        prefix="statement",
        initial={
            "statement_zh": recommendation.statement_zh,
            "statement_en": recommendation.statement_en,
        },
    )
    formsets = part_formsets(data, nomination)
    stale = False
    if request.method == "POST" and all(
        [form.is_valid(), statement.is_valid(), *[f.is_valid() for f in formsets.values()]]
    ):
        try:
            nomination = save_nomination_text(request, nomination, form, formsets)
            update_statement(
                nomination=nomination,
                actor=request.user,
                statement_zh=statement.cleaned_data["statement_zh"],
                statement_en=statement.cleaned_data["statement_en"],
            )
        except StaleEdit as error:
            stale = True
            form.add_error(None, error.message)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("submissions:expert_recommendation", code=nomination.code)
    return render(
        request,
        "submissions/expert_recommend.html",
        {
            "expert": request.expert,
            "edition": nomination.edition,
            "form": form,
            "statement": statement,
            "formsets": formsets,
            "categories": list(Category.objects.filter(edition=nomination.edition)),
            "nomination": nomination,
            "completeness": language_completeness(nomination),
            "stale": stale,
            # The expert's own autosave: the nominator's asks for an organisation.
            "autosave_url": reverse(
                "submissions:expert_recommendation_autosave", kwargs={"code": nomination.code}
            ),
            "edit_url": reverse(
                "submissions:expert_recommendation_edit", kwargs={"code": nomination.code}
            ),
        },
    )


@expert_required
@require_POST
def expert_recommendation_autosave(request, code):
    """Save the recommendation's draft in the background (htmx): text and statement; answers a
    status line and the new version."""
    nomination = _own_recommendation(request, code)
    statement = StatementForm(request.POST, prefix="statement")
    return autosave(
        request,
        nomination,
        extra_forms=[statement],
        after_save=lambda saved: update_statement(
            nomination=saved,
            actor=request.user,
            statement_zh=statement.cleaned_data["statement_zh"],
            statement_en=statement.cleaned_data["statement_en"],
        ),
    )


@expert_required
def expert_recommendation(request, code):
    nomination = _own_recommendation(request, code, details=True)
    return render(
        request,
        "submissions/expert_recommendation.html",
        {
            "expert": request.expert,
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


@expert_required
@require_POST
def expert_recommendation_submit(request, code):
    nomination = _own_recommendation(request, code)
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
    if not request.user.organisation_id:
        messages.info(
            request,
            _("Before you accept the invitation, tell us about the organisation you act for."),
        )
        return redirect(f"{_profile_url()}?next={request.path}")
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


def _profile_url() -> str:
    from django.urls import reverse

    return reverse("submissions:organisation_profile")
