"""The nomination edit page, one for every audience: the nominator, the recommending expert and
the secretariat edit the same form through the same service, and so does the autosave.

What differs by audience is declared once in an `Audience`: who may open the page (the gate and
the getter, 404 outside), the page's template (its own header around the shared body), where a
save leads, and whether the expert's statement joins the form. Each save, from the page or its
autosave, is one call of `services.save_nomination`: one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import permission_required_or_404

from ..completeness import language_completeness, maturity_messages
from ..forms import NominationEditForms
from ..models import Category, Nomination
from ..queries import committee_membership, current_edition
from ..rules import can_edit_nomination
from ..services import NominationError, StaleEdit, save_nomination
from .nominator import organisation_required, own_nomination
from .organiser import secretariat_nomination
from .recommendations import own_recommendation

STATUS_TEMPLATE = "submissions/includes/autosave_status.html"


@dataclass(frozen=True)
class Audience:
    name: str
    template: str
    gate: Callable  # a view decorator: who may come at all (a named permission, 404 outside)
    nomination: Callable[..., Nomination]  # (request, code) -> the nomination, or 404
    edit_url: str  # URL names, each taking the nomination's code
    autosave_url: str
    page_url: str  # the nomination's own page: where a locked nomination sends the person
    saved_url: str  # after "Save draft"
    go_submit_url: str  # after "Save and review for submission"
    # The nominator's submit page says what happens next; there is no "saved" message on it.
    message_before_submit: bool = True
    statement: bool = False  # the expert's recommendation statement joins the form
    extra_context: Callable[..., dict] = field(default=lambda request, nomination: {})


NOMINATOR = Audience(
    name="nominator",
    template="submissions/nomination_form.html",
    gate=lambda view: organisation_required(
        permission_required_or_404("submissions.act_for_nomination", fn=own_nomination)(view)
    ),
    nomination=lambda request, code: request.permitted_object,
    edit_url="submissions:nomination_edit",
    autosave_url="submissions:nomination_autosave",
    page_url="submissions:nomination_detail",
    saved_url="submissions:nomination_edit",
    go_submit_url="submissions:nomination_submit",
    message_before_submit=False,
)
EXPERT = Audience(
    name="expert",
    template="submissions/expert_recommend.html",
    gate=permission_required_or_404("review.recommend_technology", fn=current_edition),
    nomination=own_recommendation,
    edit_url="submissions:expert_recommendation_edit",
    autosave_url="submissions:expert_recommendation_autosave",
    page_url="submissions:expert_recommendation",
    saved_url="submissions:expert_recommendation",
    go_submit_url="submissions:expert_recommendation",
    statement=True,
    extra_context=lambda request, nomination: {
        "expert": committee_membership(request.user, nomination.edition)
    },
)
SECRETARIAT = Audience(
    name="secretariat",
    template="submissions/secretariat_form.html",
    gate=permission_required_or_404("submissions.recommend_as_secretariat"),
    nomination=secretariat_nomination,
    edit_url="submissions:secretariat_nomination_edit",
    autosave_url="submissions:secretariat_nomination_autosave",
    page_url="submissions:formalcheck_detail",
    saved_url="submissions:secretariat_nomination_edit",
    go_submit_url="submissions:formalcheck_detail",
)


def edit_nomination(request, code: str, *, audience: Audience):
    nomination = audience.nomination(request, code)
    if not can_edit_nomination(request.user, nomination):
        messages.warning(request, _("This nomination can no longer be changed."))
        return redirect(audience.page_url, code=nomination.code)
    data = request.POST if request.method == "POST" else None
    forms = NominationEditForms(data, nomination=nomination, statement=audience.statement)
    stale = False
    if request.method == "POST" and forms.is_valid():
        try:
            nomination = save_nomination(
                nomination=nomination, actor=request.user, data=forms.changes()
            )
        except StaleEdit as error:
            # The input stays in the re-rendered form; nothing is lost.
            stale = True
            forms.form.add_error(None, error.message)
        except NominationError as error:
            forms.form.add_error(None, error.message)
        else:
            go_submit = "go_submit" in request.POST
            if audience.message_before_submit or not go_submit:
                messages.success(request, _("Your changes are saved."))
            target = audience.go_submit_url if go_submit else audience.saved_url
            return redirect(target, code=nomination.code)
    return render(
        request,
        audience.template,
        {
            "edition": nomination.edition,
            "form": forms.form,
            "formsets": forms.formsets,
            "statement": forms.statement,
            "nomination": nomination,
            "categories": list(Category.objects.filter(edition=nomination.edition)),
            "completeness": language_completeness(nomination),
            "maturity_messages": maturity_messages(),
            "stale": stale,
            "autosave_url": reverse(audience.autosave_url, kwargs={"code": nomination.code}),
            "edit_url": reverse(audience.edit_url, kwargs={"code": nomination.code}),
            **audience.extra_context(request, nomination),
        },
    )


def autosave_nomination(request, code: str, *, audience: Audience):
    """Save in the background (htmx): a status line and the new version; never a page."""
    nomination = audience.nomination(request, code)
    context = {"nomination": nomination, "saved": False, "now": timezone.now()}
    if not can_edit_nomination(request.user, nomination):
        context["message"] = _("Not saved automatically: this nomination can no longer be changed.")
        return render(request, STATUS_TEMPLATE, context)
    forms = NominationEditForms(request.POST, nomination=nomination, statement=audience.statement)
    if not forms.is_valid():
        context["message"] = _(
            "Not saved automatically: correct the marked fields, then save the draft."
        )
        return render(request, STATUS_TEMPLATE, context)
    try:
        nomination = save_nomination(
            nomination=nomination, actor=request.user, data=forms.changes()
        )
    except NominationError as error:
        context["message"] = error.message
        context["stale"] = isinstance(error, StaleEdit)
    else:
        context.update(nomination=nomination, saved=True)
    return render(request, STATUS_TEMPLATE, context)


def _views(audience: Audience):
    """The page and the autosave of one audience, behind its gate."""

    @audience.gate
    @require_http_methods(["GET", "POST"])
    def edit(request, code):
        return edit_nomination(request, code, audience=audience)

    @audience.gate
    @require_POST
    def autosave(request, code):
        return autosave_nomination(request, code, audience=audience)

    return edit, autosave


nomination_edit, nomination_autosave = _views(NOMINATOR)
expert_recommendation_edit, expert_recommendation_autosave = _views(EXPERT)
secretariat_nomination_edit, secretariat_nomination_autosave = _views(SECRETARIAT)
