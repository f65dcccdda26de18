"""The nominating organisation's pages: profile, nominations, the new-nomination form, submit,
withdraw (the edit page, shared with the expert and the secretariat, is in `edit.py`).

Thin views: the permission (a nomination outside the rules is a 404, so its existence does not
leak), a form, one service call, a response.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Organisation
from accounts.rules import acts_for_organisation
from accounts.services import OrganisationRefused, save_organisation_profile
from core.access import permission_required_or_404
from core.errors import Refused

from ..completeness import (
    language_completeness,
    maturity_messages,
    maturity_warnings,
    missing_items,
)
from ..forms import NominationForm, OrganisationForm, part_formsets, part_rows
from ..models import Nomination
from ..options import current_edition_to_nominate_in, edition_options
from ..queries import (
    SUBMIT_PAGE_PREFETCH,
    nomination_with_details,
    nominations_for_organisation,
    nominations_owned_by,
)
from ..rules import (
    can_edit_nomination,
    can_withdraw_nomination,
    collection_open,
    collection_window,
    correction_ends_at,
    current_edition_with_window,
)
from ..services import (
    IncompleteNomination,
    create_nomination,
    submit_nomination,
    withdraw_nomination,
)
from ..states import NominationState


def organisation_required(view):
    """A nominator first tells us which organisation they act for: anyone signed in without one
    is sent to its profile form (not an access check: the pages' permissions follow)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not acts_for_organisation(request.user):
            messages.info(
                request,
                _("Before you nominate a technology, tell us about the organisation you act for."),
            )
            return redirect("submissions:organisation_profile")
        return view(request, *args, **kwargs)

    return wrapper


def own_nomination(request, code: str, **_kwargs) -> Nomination:
    """The nomination if the user acts for it as its nominator; 404 otherwise."""
    return get_object_or_404(nominations_owned_by(request.user), code=code)


def _own_nomination_with_details(request, code: str, **_kwargs) -> Nomination:
    return get_object_or_404(nomination_with_details(nominations_owned_by(request.user)), code=code)


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
        except OrganisationRefused as error:
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
    edition = current_edition_with_window()
    nominations = (
        list(nominations_for_organisation(request.user.organisation_id, edition)) if edition else []
    )
    window = collection_window(edition) if edition else None
    rows = [
        {
            "nomination": nomination,
            "completeness": language_completeness(nomination),
            "correction_ends_at": correction_ends_at(nomination, window),
        }
        for nomination in nominations
    ]
    return render(
        request,
        "submissions/nomination_list.html",
        {
            "edition": edition,
            "rows": rows,
            "window": window,
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
        "categories": edition_options(edition).categories,
        "completeness": language_completeness(nomination) if nomination else None,
        "maturity_messages": maturity_messages(),
        **extra,
    }


@organisation_required
@require_http_methods(["GET", "POST"])
def nomination_create(request):
    edition = current_edition_to_nominate_in()
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
        initial["category"] = edition_options(edition).category(category_code)
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
                # The service needs the organisation's key only (organisation_required checked
                # it): no need to read the row.
                organisation=Organisation(pk=request.user.organisation_id),
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


# --- Submit, detail, withdraw ---------------------------------------------------------------


@organisation_required
@permission_required_or_404("submissions.act_for_nomination", fn=own_nomination)
@require_http_methods(["GET", "POST"])
def nomination_submit(request, code):
    # The POST needs the row alone (the service locks and reads it again); the page reads what
    # the completeness check needs, fetched after the POST when the page is shown.
    nomination = request.permitted_object
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
    prefetch_related_objects([nomination], *SUBMIT_PAGE_PREFETCH)
    correction_ends = correction_ends_at(nomination)
    correction_passed = correction_ends is not None and correction_ends <= timezone.now()
    can_submit_now = (
        nomination.state in (NominationState.DRAFT, NominationState.RETURNED)
        and not correction_passed
    )
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
            "correction_ends_at": correction_ends,
            "correction_passed": correction_passed,
        },
    )


@organisation_required
@permission_required_or_404("submissions.act_for_nomination", fn=_own_nomination_with_details)
def nomination_detail(request, code):
    nomination = request.permitted_object
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
@permission_required_or_404("submissions.act_for_nomination", fn=own_nomination)
@require_http_methods(["GET", "POST"])
def nomination_withdraw(request, code):
    nomination = request.permitted_object
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
