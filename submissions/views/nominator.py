"""The nominating organisation's pages: profile, nominations, the form, submit, withdraw.

Thin views: the permission (a nomination outside the rules is a 404, so its existence does not
leak), a form, one service call, a response.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import Refused

from ..completeness import language_completeness, maturity_warnings, missing_items
from ..forms import NominationForm, OrganisationForm, part_formsets, part_rows
from ..models import Category, Edition, Nomination
from ..queries import nomination_with_details, nominations_for_organisation, nominations_visible_to
from ..rules import (
    can_edit_nomination,
    can_withdraw_nomination,
    collection_open,
    collection_window,
    is_owner_member,
)
from ..services import (
    IncompleteNomination,
    StaleEdit,
    create_nomination,
    save_organisation_profile,
    submit_nomination,
    withdraw_nomination,
)
from ..states import NominationState
from .autosave import autosave, save_nomination_text


def organisation_required(view):
    """A nominator first tells us which organisation they act for."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.organisation_id:
            messages.info(
                request,
                _("Before you nominate a technology, tell us about the organisation you act for."),
            )
            return redirect("submissions:organisation_profile")
        return view(request, *args, **kwargs)

    return wrapper


def _own_nomination(request, code: str, *, details: bool = False) -> Nomination:
    """The nomination if the user may see it and acts for its organisation; 404 otherwise."""
    queryset = nominations_visible_to(request.user)
    if details:
        queryset = nomination_with_details(queryset)
    nomination = get_object_or_404(queryset, code=code)
    if not is_owner_member(request.user, nomination):
        raise Http404
    return nomination


def _category_explanations(edition: Edition) -> list[Category]:
    return list(Category.objects.filter(edition=edition))


# --- Organisation profile -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organisation_profile(request):
    organisation = request.user.organisation
    # The account's e-mail address is the likely contact: pre-filled, the first save succeeds.
    initial = {}
    if organisation is None or not organisation.contact_email:
        initial["contact_email"] = request.user.email
    form = OrganisationForm(request.POST or None, instance=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save_organisation_profile(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The organisation profile is saved."))
            return redirect("submissions:nomination_list")
    return render(
        request,
        "submissions/organisation_form.html",
        {"form": form, "is_new": organisation is None},
    )


# --- My nominations -------------------------------------------------------------------------


@organisation_required
def nomination_list(request):
    edition = Edition.objects.current()
    nominations = (
        list(nominations_for_organisation(request.user.organisation_id, edition)) if edition else []
    )
    rows = [
        {"nomination": nomination, "completeness": language_completeness(nomination)}
        for nomination in nominations
    ]
    return render(
        request,
        "submissions/nomination_list.html",
        {
            "edition": edition,
            "rows": rows,
            "window": collection_window(edition) if edition else None,
            "collection_open": collection_open(edition) if edition else False,
        },
    )


# --- The nomination form --------------------------------------------------------------------


def _form_context(request, *, edition, form, formsets, nomination=None, **extra) -> dict:
    return {
        "edition": edition,
        "form": form,
        "formsets": formsets,
        "nomination": nomination,
        "categories": _category_explanations(edition),
        "completeness": language_completeness(nomination) if nomination else None,
        "maturity_messages": {
            "cutting_edge_trl": maturity_warnings("cutting_edge", 9, None),
            "cutting_edge_status": maturity_warnings("cutting_edge", None, "mass_production"),
            "innovative_trl": maturity_warnings("innovative", 1, None),
            "innovative_status": maturity_warnings("innovative", None, "research"),
        },
        **extra,
    }


@organisation_required
@require_http_methods(["GET", "POST"])
def nomination_create(request):
    edition = Edition.objects.current()
    if edition is None or not collection_open(edition):
        messages.error(
            request,
            _("The collection window is closed; nominations can no longer be created or changed."),
        )
        return redirect("submissions:nomination_list")
    data = request.POST if request.method == "POST" else None
    initial = {}
    category_code = request.GET.get("category")
    if category_code:
        initial["category"] = Category.objects.filter(edition=edition, code=category_code).first()
    form = NominationForm(data, edition=edition, initial=initial)
    formsets = part_formsets(data)
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in formsets.values())
    ):
        content = form.content()
        try:
            nomination = create_nomination(
                edition=edition,
                organisation=request.user.organisation,
                actor=request.user,
                declarations=form.cleaned_data["declarations"],
                **part_rows(formsets),
                **content,
            )
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Draft saved as nomination %(code)s. You can come back to it at any time.")
                % {"code": nomination.code},
            )
            return redirect("submissions:nomination_edit", code=nomination.code)
    return render(
        request,
        "submissions/nomination_form.html",
        _form_context(
            request,
            edition=edition,
            form=form,
            formsets=formsets,
            # The empty form's fields are the same for everyone: cached (templatetags/form_cache).
            cache_empty_form=not form.is_bound,
        ),
    )


@organisation_required
@require_http_methods(["GET", "POST"])
def nomination_edit(request, code):
    nomination = _own_nomination(request, code)
    if not can_edit_nomination(request.user, nomination):
        messages.warning(request, _("This nomination can no longer be changed."))
        return redirect("submissions:nomination_detail", code=nomination.code)
    edition = nomination.edition
    data = request.POST if request.method == "POST" else None
    form = NominationForm(data, instance=nomination, edition=edition)
    formsets = part_formsets(data, nomination)
    stale = False
    if (
        request.method == "POST"
        and form.is_valid()
        and all(f.is_valid() for f in formsets.values())
    ):
        try:
            nomination = save_nomination_text(request, nomination, form, formsets)
        except StaleEdit as error:
            # The input stays in the re-rendered form; nothing is lost.
            stale = True
            form.add_error(None, error.message)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            if "go_submit" in request.POST:
                return redirect("submissions:nomination_submit", code=nomination.code)
            messages.success(request, _("Your changes are saved."))
            return redirect("submissions:nomination_edit", code=nomination.code)
    return render(
        request,
        "submissions/nomination_form.html",
        _form_context(
            request,
            edition=edition,
            form=form,
            formsets=formsets,
            nomination=nomination,
            stale=stale,
        ),
    )


@organisation_required
@require_POST
def nomination_autosave(request, code):
    """Save a draft in the background (htmx); answers a status line and the new version."""
    return autosave(request, _own_nomination(request, code))


# --- Submit, detail, withdraw ---------------------------------------------------------------


@organisation_required
@require_http_methods(["GET", "POST"])
def nomination_submit(request, code):
    nomination = _own_nomination(request, code, details=True)
    error = None
    if request.method == "POST":
        try:
            submitted = submit_nomination(nomination=nomination, actor=request.user)
        except IncompleteNomination as incomplete:
            error = incomplete.message
        except Refused as refused:
            messages.error(request, refused.message)
            return redirect("submissions:nomination_detail", code=nomination.code)
        else:
            messages.success(
                request,
                _("Nomination %(code)s is submitted. We have sent you a confirmation by e-mail.")
                % {"code": submitted.code},
            )
            return redirect("submissions:nomination_detail", code=submitted.code)
    can_submit_now = nomination.state in (NominationState.DRAFT, NominationState.RETURNED)
    return render(
        request,
        "submissions/nomination_submit.html",
        {
            "nomination": nomination,
            "missing": missing_items(nomination),
            "warnings": maturity_warnings(
                nomination.category.code, nomination.trl, nomination.application_status
            ),
            "completeness": language_completeness(nomination),
            "can_submit_now": can_submit_now,
            "can_edit": can_edit_nomination(request.user, nomination),
            "error": error,
        },
    )


@organisation_required
def nomination_detail(request, code):
    nomination = _own_nomination(request, code, details=True)
    return render(
        request,
        "submissions/nomination_detail.html",
        {
            "nomination": nomination,
            "timeline": list(nomination.state_changes.all()),
            "completeness": language_completeness(nomination),
            "can_edit": can_edit_nomination(request.user, nomination),
            "can_withdraw": can_withdraw_nomination(request.user, nomination),
            "can_submit": nomination.state in (NominationState.DRAFT, NominationState.RETURNED)
            and can_edit_nomination(request.user, nomination),
            "window": collection_window(nomination.edition),
        },
    )


@organisation_required
@require_http_methods(["GET", "POST"])
def nomination_withdraw(request, code):
    nomination = _own_nomination(request, code)
    if not can_withdraw_nomination(request.user, nomination):
        messages.warning(request, _("This nomination can no longer be withdrawn."))
        return redirect("submissions:nomination_detail", code=nomination.code)
    if request.method == "POST":
        try:
            withdraw_nomination(
                nomination=nomination,
                actor=request.user,
                reason=request.POST.get("reason", "")[:2000],
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The nomination is withdrawn."))
        return redirect("submissions:nomination_detail", code=nomination.code)
    return render(request, "submissions/nomination_withdraw.html", {"nomination": nomination})
