"""Saving a nomination's text from a form, and the background autosave (htmx) answer.

The nominator's, the expert's and the secretariat's edit pages all save the same form through
the same service; only who may open the nomination, and the recommendation statement the
expert adds, differ. They share these two functions.
"""

from collections.abc import Callable, Iterable

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Refused

from ..forms import NominationForm, part_formsets, part_rows
from ..models import Nomination
from ..rules import can_edit_nomination
from ..services import StaleEdit, update_nomination

STATUS_TEMPLATE = "submissions/includes/autosave_status.html"


def save_nomination_text(request, nomination: Nomination, form, formsets) -> Nomination:
    """Save a valid nomination form and its parts formsets (optimistic version check)."""
    return update_nomination(
        nomination=nomination,
        actor=request.user,
        expected_version=form.cleaned_data["version"] or 0,
        declarations=form.cleaned_data["declarations"],
        **part_rows(formsets),
        **form.content(),
    )


def autosave(
    request,
    nomination: Nomination,
    *,
    extra_forms: Iterable = (),
    after_save: Callable[[Nomination], None] | None = None,
):
    """Answer a background save with a status line and the new version; never a page."""
    context = {"nomination": nomination, "saved": False, "now": timezone.now()}
    if not can_edit_nomination(request.user, nomination):
        context["message"] = _("Not saved automatically: this nomination can no longer be changed.")
        return render(request, STATUS_TEMPLATE, context)
    form = NominationForm(request.POST, instance=nomination, edition=nomination.edition)
    formsets = part_formsets(request.POST, nomination)
    if not all(
        [
            form.is_valid(),
            *[f.is_valid() for f in extra_forms],
            *[f.is_valid() for f in formsets.values()],
        ]
    ):
        context["message"] = _(
            "Not saved automatically: correct the marked fields, then save the draft."
        )
        return render(request, STATUS_TEMPLATE, context)
    try:
        nomination = save_nomination_text(request, nomination, form, formsets)
        if after_save is not None:
            after_save(nomination)
    except Refused as error:
        context["message"] = error.message
        context["stale"] = isinstance(error, StaleEdit)
    else:
        context.update(nomination=nomination, saved=True)
    return render(request, STATUS_TEMPLATE, context)
